import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as vscode from 'vscode';
import { apiKeySecretName, resolveCatalogue } from '../../src/catalogue';
import type { BcdcClient } from '../../src/client';
import { Commands } from '../../src/commands';

const mock = vscode as unknown as typeof import('./vscode');

function recordDoc(text = 'type: bcdc_dataset\nname: a\n') {
  return {
    fileName: '/ws/a.bcdc.yaml',
    languageId: 'yaml',
    uri: mock.Uri.file('/ws/a.bcdc.yaml'),
    isUntitled: false,
    isDirty: true,
    getText: () => text,
    save: vi.fn(async () => true),
  };
}

function setup(catalogue: string, storedKey?: string) {
  for (const k of Object.keys(mock.settings)) delete mock.settings[k];
  mock.settings.catalogue = catalogue;
  const resolved = resolveCatalogue(catalogue);
  if ('error' in resolved) throw new Error(resolved.error);
  const secrets = new Map<string, string>(storedKey ? [[apiKeySecretName(resolved.host), storedKey]] : []);
  const secretStorage = {
    get: vi.fn(async (k: string) => secrets.get(k)),
    store: vi.fn(async (k: string, v: string) => void secrets.set(k, v)),
    delete: vi.fn(async (k: string) => void secrets.delete(k)),
  };
  const client = {
    executeCommand: vi.fn(async () => ({ ok: true, message: 'done', id: 'new-id' })),
    pushSettings: vi.fn(async () => undefined),
  };
  const doc = recordDoc('id: new-id\ntype: bcdc_dataset\n');
  mock.window.activeTextEditor = { document: doc };
  const commands = new Commands(secretStorage as unknown as vscode.SecretStorage, client as unknown as BcdcClient);
  return { commands, client, secrets, secretStorage, doc };
}

beforeEach(() => vi.clearAllMocks());

describe('publish', () => {
  it('publishes on test without a modal and saves the id the server wrote', async () => {
    const { commands, client, doc } = setup('test', 'key');
    await expect(commands.publishOrUpdate('publish')).resolves.toMatchObject({ ok: true });
    expect(mock.window.showWarningMessage).not.toHaveBeenCalled();
    expect(client.executeCommand).toHaveBeenCalledWith('bcdc.publish', ['file:///ws/a.bcdc.yaml']);
    expect(doc.save).toHaveBeenCalled();
  });

  it('asks with a modal before publishing to production, and stops when declined', async () => {
    const { commands, client } = setup('prod', 'key');
    mock.window.showWarningMessage.mockResolvedValueOnce(undefined);
    await expect(commands.publishOrUpdate('publish')).resolves.toBeUndefined();
    expect(mock.window.showWarningMessage).toHaveBeenCalledWith(
      expect.stringContaining('PRODUCTION'),
      expect.objectContaining({ modal: true }),
      'Publish on production',
    );
    expect(client.executeCommand).not.toHaveBeenCalled();
  });

  it('publishes to production once confirmed', async () => {
    const { commands, client } = setup('prod', 'key');
    mock.window.showWarningMessage.mockResolvedValueOnce('Publish on production');
    await commands.publishOrUpdate('publish');
    expect(client.executeCommand).toHaveBeenCalledWith('bcdc.publish', ['file:///ws/a.bcdc.yaml']);
  });

  it('does not call the server without an API key for the host', async () => {
    const { commands, client } = setup('http://127.0.0.1:5000');
    mock.window.showWarningMessage.mockResolvedValueOnce(undefined); // "no API key" dialog dismissed
    await commands.publishOrUpdate('patch');
    expect(mock.window.showWarningMessage).toHaveBeenCalledWith(expect.stringContaining('127.0.0.1:5000'), expect.anything(), 'Set API key');
    expect(client.executeCommand).not.toHaveBeenCalled();
  });

  it('puts the server\'s own publish code action through the same production modal', async () => {
    const { commands } = setup('prod', 'key');
    mock.workspace.openTextDocument.mockResolvedValueOnce(recordDoc());
    const run = vi.fn(async () => ({ ok: true, message: 'published' }));
    mock.window.showWarningMessage.mockResolvedValueOnce(undefined);
    await commands.gateServerCommand('bcdc.publish', ['file:///ws/a.bcdc.yaml'], run);
    expect(mock.window.showWarningMessage).toHaveBeenCalledWith(expect.stringContaining('PRODUCTION'), expect.objectContaining({ modal: true }), 'Publish on production');
    expect(run).not.toHaveBeenCalled();
  });

  it('lets other server commands through untouched', async () => {
    const { commands } = setup('prod', 'key');
    const run = vi.fn(async () => 'ran');
    await expect(commands.gateServerCommand('bcdc.pull', ['x', 'file:///ws/x.bcdc.yaml'], run)).resolves.toBe('ran');
    expect(mock.window.showWarningMessage).not.toHaveBeenCalled();
  });

  it('reports a failed server request instead of throwing', async () => {
    const { commands, client, doc } = setup('test', 'key');
    client.executeCommand.mockRejectedValueOnce(new Error('Method not found'));
    await expect(commands.publishOrUpdate('publish')).resolves.toEqual({ ok: false, message: 'Method not found' });
    expect(mock.window.showErrorMessage).toHaveBeenCalledWith(expect.stringContaining('Method not found'));
    expect(doc.save).not.toHaveBeenCalled();
  });

  it('asks before publishing to production when the record\'s bcdc.toml names it, whatever the setting', async () => {
    const { client, secretStorage } = setup('test', 'key');
    const commands = new Commands(secretStorage as unknown as vscode.SecretStorage, client as unknown as BcdcClient, () => 'prod');
    mock.window.showWarningMessage.mockResolvedValueOnce(undefined);
    await expect(commands.publishOrUpdate('publish')).resolves.toBeUndefined();
    expect(mock.window.showWarningMessage).toHaveBeenCalledWith(expect.stringContaining('PRODUCTION'), expect.objectContaining({ modal: true }), 'Publish on production');
    expect(client.executeCommand).not.toHaveBeenCalled();
  });

  it('sends nothing from a folder not trusted yet (Restricted Mode), saying why', async () => {
    const { commands, client } = setup('test', 'key');
    mock.workspace.isTrusted = false;
    try {
      await expect(commands.publishOrUpdate('publish')).resolves.toBeUndefined();
      await expect(commands.pull()).resolves.toBeUndefined();
      const run = vi.fn(async () => 'ran');
      await commands.gateServerCommand('bcdc.patch', ['file:///ws/a.bcdc.yaml'], run);
      await commands.gateServerCommand('bcdc.pull', ['x', 'file:///ws/x.bcdc.yaml'], run);
      expect(run).not.toHaveBeenCalled();
      expect(client.executeCommand).not.toHaveBeenCalled();
      expect(mock.window.showWarningMessage).toHaveBeenCalledWith(expect.stringContaining('trust this folder'), 'Manage Workspace Trust');
    } finally {
      mock.workspace.isTrusted = true;
    }
  });

  it('refuses documents that are not records', async () => {
    const { commands, client } = setup('test', 'key');
    mock.window.activeTextEditor = { document: { ...recordDoc('a: 1\n'), fileName: '/ws/a.yaml' } };
    await commands.publishOrUpdate('publish');
    expect(mock.window.showWarningMessage).toHaveBeenCalledWith(expect.stringContaining('open a record file'));
    expect(client.executeCommand).not.toHaveBeenCalled();
  });
});

describe('API key and catalogue', () => {
  it('stores the API key per host in secret storage and pushes it, never in settings', async () => {
    const { commands, client, secrets } = setup('http://127.0.0.1:5000');
    mock.window.showInputBox.mockResolvedValueOnce(' tok ');
    await expect(commands.setApiKey()).resolves.toBe(true);
    expect(secrets.get('bcdc.apiKey/127.0.0.1:5000')).toBe('tok');
    expect(mock.window.showInputBox).toHaveBeenCalledWith(expect.objectContaining({ password: true }));
    expect(client.pushSettings).toHaveBeenCalled();
    expect(mock.configuration.update).not.toHaveBeenCalled();
  });

  it('removes the key when the input is left empty', async () => {
    const { commands, secrets } = setup('test', 'old');
    mock.window.showInputBox.mockResolvedValueOnce('');
    await expect(commands.setApiKey()).resolves.toBe(false);
    expect(secrets.size).toBe(0);
  });

  it('writes a custom catalogue URL to bcdc.catalogue', async () => {
    const { commands } = setup('test');
    mock.window.showQuickPick.mockImplementationOnce(async (items: unknown) => (items as { label: string }[])[2]);
    mock.window.showInputBox.mockResolvedValueOnce('https://ckan.example.org/');
    await commands.chooseCatalogue();
    expect(mock.configuration.update).toHaveBeenCalledWith('catalogue', 'https://ckan.example.org', vscode.ConfigurationTarget.Global);
  });

  it('pulls into the chosen file and opens it', async () => {
    const { commands, client } = setup('test');
    mock.window.showInputBox.mockResolvedValueOnce('my-data');
    mock.window.showSaveDialog.mockImplementationOnce(async (o: unknown) => (o as { defaultUri: vscode.Uri }).defaultUri);
    const pulled = recordDoc();
    mock.workspace.openTextDocument.mockResolvedValueOnce(pulled);
    await commands.pull();
    expect(client.executeCommand).toHaveBeenCalledWith('bcdc.pull', ['my-data', 'file:///ws/my-data.bcdc.yaml']);
    expect(mock.window.showTextDocument).toHaveBeenCalledWith(pulled);
    expect(pulled.save).toHaveBeenCalled();
  });
});

describe('code lens and conflict quick fixes', () => {
  const uri = 'file:///ws/a.bcdc.yaml';

  /** openTextDocument: the record for its URI, a plain side document (language yaml) for the diff's. */
  function openDocs(record: ReturnType<typeof recordDoc>) {
    const sides: { uri: vscode.Uri; languageId: string }[] = [];
    mock.workspace.openTextDocument.mockImplementation(async (u: vscode.Uri) => {
      if (u.scheme === 'file') return record;
      const side = { uri: u, languageId: 'yaml' };
      sides.push(side);
      return side;
    });
    return sides;
  }

  it('puts the Publish lens through the palette command\'s path: key, then save of the new id', async () => {
    const { commands, client } = setup('http://127.0.0.1:5000', 'key');
    const record = { ...recordDoc('id: new-id\ntype: bcdc_dataset\n'), languageId: 'bcdc-yaml' };
    openDocs(record);
    const run = vi.fn(async () => ({ ok: true, message: 'published', id: 'new-id' }));
    await expect(commands.gateServerCommand('bcdc.publish', [uri], run)).resolves.toMatchObject({ ok: true });
    expect(run).toHaveBeenCalledTimes(1);
    expect(client.executeCommand).not.toHaveBeenCalled(); // the lens' own request, not a second one
    expect(record.save).toHaveBeenCalled();
  });

  it('asks for an API key before the Update lens sends anything', async () => {
    const { commands } = setup('http://127.0.0.1:5000');
    openDocs(recordDoc());
    const run = vi.fn(async () => ({ ok: true, message: 'updated' }));
    await commands.gateServerCommand('bcdc.patch', [uri], run);
    expect(mock.window.showWarningMessage).toHaveBeenCalledWith(expect.stringContaining('no API key'), expect.anything(), 'Set API key');
    expect(run).not.toHaveBeenCalled();
  });

  it('sends "Keep mine" as the server built it (its side argument) through the update path', async () => {
    const { commands } = setup('http://127.0.0.1:5000', 'key');
    const record = recordDoc();
    openDocs(record);
    const sent: unknown[][] = [];
    // as the language client's middleware does: `run` sends the command with the arguments it came with
    const args = [uri, { side: 'mine' }];
    const run = vi.fn(async () => (sent.push(args), { ok: true, message: 'updated', fields: ['notes'] }));
    await commands.gateServerCommand('bcdc.patch', args, run);
    expect(sent).toEqual([[uri, { side: 'mine' }]]);
    expect(record.save).toHaveBeenCalled();
  });

  it('opens the diff editor between two read-only documents: the catalogue left, the file right', async () => {
    const { commands } = setup('http://127.0.0.1:5000', 'key');
    const record = { ...recordDoc(), languageId: 'bcdc-yaml' };
    const sides = openDocs(record);
    const result = { ok: true, message: '1 field differs', fields: 1, catalogue: 'title: Old\n', file: 'title: New\n', title: 'a.bcdc.yaml: 127.0.0.1:5000 ↔ file' };
    await expect(commands.gateServerCommand('bcdc.diff', [uri], async () => result)).resolves.toBe(result);
    expect(mock.commands.executeCommand).toHaveBeenCalledWith('vscode.diff', expect.anything(), expect.anything(), result.title, expect.anything());
    const [, left, right] = mock.commands.executeCommand.mock.calls[0] as unknown as [string, vscode.Uri, vscode.Uri];
    expect(left.scheme).toBe('bcdc-diff');
    expect(left.path).toBe('/catalogue/a.bcdc.yaml');
    expect(right.path).toBe('/file/a.bcdc.yaml');
    expect(commands.diffs.provideTextDocumentContent(left)).toBe('title: Old\n');
    expect(commands.diffs.provideTextDocumentContent(right)).toBe('title: New\n');
    // highlighted as the record is
    expect(sides).toHaveLength(2);
    expect(mock.languages.setTextDocumentLanguage).toHaveBeenCalledWith(sides[0], 'bcdc-yaml');
    expect(mock.window.showInformationMessage).not.toHaveBeenCalled();
  });

  it('says the record is the same instead of opening an empty diff', async () => {
    const { commands } = setup('http://127.0.0.1:5000', 'key');
    openDocs(recordDoc());
    await commands.gateServerCommand('bcdc.diff', [uri], async () => ({ ok: true, message: 'same', fields: 0, catalogue: '', file: '' }));
    expect(mock.commands.executeCommand).not.toHaveBeenCalled();
    expect(mock.window.showInformationMessage).toHaveBeenCalledWith(expect.stringMatching(/a\.bcdc\.yaml is the same on 127\.0\.0\.1:5000/));
  });

  it('opens nothing when the comparison failed (the server said why)', async () => {
    const { commands } = setup('http://127.0.0.1:5000', 'key');
    openDocs(recordDoc());
    await commands.gateServerCommand('bcdc.diff', [uri], async () => ({ ok: false, message: 'cannot reach' }));
    expect(mock.commands.executeCommand).not.toHaveBeenCalled();
    expect(mock.window.showInformationMessage).not.toHaveBeenCalled();
  });

  it('saves the record before Pull, and leaves the reload to VS Code when it shows the new file', async () => {
    const { commands } = setup('http://127.0.0.1:5000', 'key');
    let text = 'id: x\nnotes: mine\n';
    const record = { ...recordDoc(), getText: () => text };
    openDocs(record);
    const order: string[] = [];
    record.save.mockImplementation(async () => (order.push('save'), (record.isDirty = false), true));
    const run = vi.fn(async () => {
      order.push('run');
      text = 'id: x\nnotes: theirs\n'; // VS Code reloaded the file the server wrote
      return { ok: true, message: 'pulled', text: 'id: x\nnotes: theirs\n' };
    });
    await expect(commands.gateServerCommand('bcdc.pullChanges', [uri], run)).resolves.toMatchObject({ ok: true });
    expect(order).toEqual(['save', 'run']);
    expect(mock.commands.executeCommand).not.toHaveBeenCalledWith('workbench.action.files.revert');
  });

  it('reads the file again when VS Code did not reload it after Pull', async () => {
    vi.useFakeTimers();
    try {
      const { commands } = setup('http://127.0.0.1:5000', 'key');
      const record = { ...recordDoc('id: x\nnotes: mine\n'), isDirty: false };
      openDocs(record);
      const pulled = commands.gateServerCommand('bcdc.pullChanges', [uri], async () => ({ ok: true, message: 'pulled', text: 'id: x\nnotes: theirs\n' }));
      await vi.advanceTimersByTimeAsync(3500);
      await pulled;
      expect(record.save).not.toHaveBeenCalled(); // nothing unsaved
      expect(mock.window.showTextDocument).toHaveBeenCalledWith(record, expect.anything());
      expect(mock.commands.executeCommand).toHaveBeenCalledWith('workbench.action.files.revert');
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not Pull when the record cannot be saved first', async () => {
    const { commands } = setup('http://127.0.0.1:5000', 'key');
    const record = recordDoc();
    record.save.mockResolvedValueOnce(false);
    openDocs(record);
    const run = vi.fn(async () => ({ ok: true, message: 'pulled' }));
    await expect(commands.gateServerCommand('bcdc.pullChanges', [uri], run)).resolves.toBeUndefined();
    expect(run).not.toHaveBeenCalled();
    expect(mock.window.showWarningMessage).toHaveBeenCalledWith(expect.stringContaining('save a.bcdc.yaml first'));
  });

  it('refuses Pull in Restricted Mode, but still shows a diff', async () => {
    const { commands } = setup('http://127.0.0.1:5000', 'key');
    openDocs(recordDoc());
    mock.workspace.isTrusted = false;
    try {
      const run = vi.fn(async () => ({ ok: true, message: 'x', fields: 0 }));
      await expect(commands.gateServerCommand('bcdc.pullChanges', [uri], run)).resolves.toBeUndefined();
      expect(run).not.toHaveBeenCalled();
      expect(mock.window.showWarningMessage).toHaveBeenCalledWith(expect.stringContaining('trust this folder'), 'Manage Workspace Trust');
      await commands.gateServerCommand('bcdc.diff', [uri], run);
      expect(run).toHaveBeenCalledTimes(1); // reading the catalogue is allowed there (anonymously, by the server)
    } finally {
      mock.workspace.isTrusted = true;
    }
  });
});

describe('commands the server offers', () => {
  it('trusts the server that a document it offers Publish, Show diff or Pull for is a record', async () => {
    // another portal's record in a plain .yaml under a bcdc.toml: the extension's own guess says no
    const { commands } = setup('http://127.0.0.1:5000', 'key');
    const record = { ...recordDoc('type: camel-photos\nname: larry\n'), fileName: '/ws/camels/larry.yaml', uri: mock.Uri.file('/ws/camels/larry.yaml') };
    mock.workspace.openTextDocument.mockResolvedValue(record);
    const run = vi.fn(async () => ({ ok: true, message: 'done', fields: 0, text: 'type: camel-photos\nname: larry\n' }));
    await commands.gateServerCommand('bcdc.publish', ['file:///ws/camels/larry.yaml'], run);
    await commands.gateServerCommand('bcdc.diff', ['file:///ws/camels/larry.yaml'], run);
    await commands.gateServerCommand('bcdc.pullChanges', ['file:///ws/camels/larry.yaml'], run);
    expect(run).toHaveBeenCalledTimes(3);
    expect(mock.window.showWarningMessage).not.toHaveBeenCalledWith(expect.stringContaining('open a record file'));
    mock.workspace.openTextDocument.mockReset();
  });
});
