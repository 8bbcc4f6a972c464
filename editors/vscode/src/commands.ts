// The palette / menu commands. Publishing, updating and pulling are done by the server
// (workspace/executeCommand, docs/protocol.md); these handlers ask the user what is needed first.
import * as path from 'path';
import * as vscode from 'vscode';
import { Catalogue, PROD_URL, TEST_URL, apiKeySecretName, catalogueUrlProblem, resolveCatalogue } from './catalogue';
import type { BcdcClient, CommandResult } from './client';
import { DIFF_SCHEME, DiffDocuments, DiffResult } from './diff';
import { isRecord } from './recordFile';

export class Commands {
  /** the two sides of "Show diff" */
  readonly diffs = new DiffDocuments();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly client: BcdcClient,
    /** the catalogue the server reported for a record (its bcdc.toml's host), if it differs from the setting */
    private readonly recordCatalogue: (uri: vscode.Uri) => string | undefined = () => undefined,
    /** the output channel's log */
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  register(): vscode.Disposable[] {
    return [
      this.diffs,
      vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, this.diffs),
      vscode.workspace.onDidCloseTextDocument((doc) => this.diffs.forget(doc.uri)),
      vscode.commands.registerCommand('bcdc.publishRecord', (uri?: vscode.Uri) => this.publishOrUpdate('publish', uri)),
      vscode.commands.registerCommand('bcdc.updateRecord', (uri?: vscode.Uri) => this.publishOrUpdate('patch', uri)),
      vscode.commands.registerCommand('bcdc.pullRecord', () => this.pull()),
      vscode.commands.registerCommand('bcdc.setApiKey', () => this.setApiKey()),
      vscode.commands.registerCommand('bcdc.chooseCatalogue', () => this.chooseCatalogue()),
      vscode.commands.registerCommand('bcdc.restartServer', () => this.client.restart()),
    ];
  }

  /** The catalogue setting's, or the one a record's bcdc.toml names (as the server reported it). */
  private catalogue(uri?: vscode.Uri): Catalogue | undefined {
    const setting = vscode.workspace.getConfiguration('bcdc').get<string>('catalogue');
    const catalogue = resolveCatalogue((uri && this.recordCatalogue(uri)) ?? setting);
    if ('error' in catalogue) {
      void vscode.window.showErrorMessage(`BCDC: ${catalogue.error}`, 'Choose catalogue').then((choice) => {
        if (choice) void this.chooseCatalogue();
      });
      return undefined;
    }
    return catalogue;
  }

  /** The document a command is for. `fromServer`: the server offered the command (code lens, code action), so
   *  it is a record whatever the extension's approximation says (e.g. another portal's `*.yaml` under a bcdc.toml). */
  private async recordDocument(uri: vscode.Uri | undefined, fromServer = false): Promise<vscode.TextDocument | undefined> {
    const doc = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!doc || (!fromServer && !isRecord(doc.fileName, doc.languageId, doc.getText()))) {
      void vscode.window.showWarningMessage(
        'BCDC: open a record file first (*.bcdc.yaml, *.bcdc.yml, *.bcdc.json, or YAML/JSON with type: bcdc_dataset).',
      );
      return undefined;
    }
    return doc;
  }

  /** The API key for the catalogue, asking for one when none is stored. */
  private async ensureApiKey(catalogue: Catalogue): Promise<boolean> {
    if (await this.secrets.get(apiKeySecretName(catalogue.host))) return true;
    const choice = await vscode.window.showWarningMessage(
      `BCDC: no API key stored for ${catalogue.host}.`,
      { modal: true, detail: 'Publishing needs a CKAN API token of a user who may create datasets there.' },
      'Set API key',
    );
    return choice === 'Set API key' && (await this.setApiKey());
  }

  /** Server commands run from elsewhere (the server's own "Publish to …" source actions, the code lens on a
   *  record's first line, the conflict quick fixes) pass through here, so they get the same production modal,
   *  API key prompt and save as the palette commands; `run` sends the command with its own arguments (such
   *  as "Keep mine"'s `{"side": "mine"}`). "Show diff" opens the diff editor, "Pull" saves the record first. */
  gateServerCommand(command: string, args: unknown[], run: () => Promise<unknown>): Promise<unknown> {
    if ((command === 'bcdc.pull' || command === 'bcdc.pullChanges') && this.refusedUntrusted('Pulling')) {
      return Promise.resolve(undefined);
    }
    if (typeof args[0] !== 'string') return run();
    const uri = vscode.Uri.parse(args[0]);
    const send = run as () => Promise<CommandResult | undefined>;
    switch (command) {
      case 'bcdc.publish':
      case 'bcdc.patch':
        return this.publishOrUpdate(command === 'bcdc.publish' ? 'publish' : 'patch', uri, send);
      case 'bcdc.diff':
        return this.showDiff(uri, run as () => Promise<DiffResult | undefined>);
      case 'bcdc.pullChanges':
        return this.pullChanges(uri, send);
      default:
        return run();
    }
  }

  /** The catalogue's name for messages, without complaining about a wrong setting (the server will). */
  private catalogueLabel(uri: vscode.Uri): string {
    const setting = vscode.workspace.getConfiguration('bcdc').get<string>('catalogue');
    const catalogue = resolveCatalogue(this.recordCatalogue(uri) ?? setting);
    return 'error' in catalogue ? 'the catalogue' : catalogue.label;
  }

  /** "Show diff": the fields that differ, the catalogue's values on the left and the file's on the right. */
  async showDiff(uri: vscode.Uri, run: () => Promise<DiffResult | undefined>): Promise<DiffResult | undefined> {
    const doc = await this.recordDocument(uri, true);
    if (!doc) return undefined;
    const label = this.catalogueLabel(doc.uri);
    const result = (await this.serverCommand(`comparing with ${label}`, 'bcdc.diff', run)) as DiffResult | undefined;
    if (!result?.ok) return result; // the server said why
    if (!result.fields) {
      // nothing to show side by side: the server shows no message on success, so say it here
      void vscode.window.showInformationMessage(`BCDC: ${path.basename(doc.fileName)} is the same on ${label}: nothing differs.`);
      return result;
    }
    await this.diffs.show(doc, result);
    return result;
  }

  /** "Pull": the server writes the catalogue's changes into the file on disk, so the record is saved first;
   *  VS Code then reloads the unchanged editor from disk by itself (else it is read again here). */
  async pullChanges(uri: vscode.Uri, run: () => Promise<CommandResult | undefined>): Promise<CommandResult | undefined> {
    if (this.refusedUntrusted('Pulling')) return undefined;
    const doc = await this.recordDocument(uri, true);
    if (!doc) return undefined;
    if (doc.isDirty && !(await doc.save())) {
      void vscode.window.showWarningMessage(
        `BCDC: save ${path.basename(doc.fileName)} first: the catalogue's changes are written into the file.`,
      );
      return undefined;
    }
    const result = await this.serverCommand(`pulling changes from ${this.catalogueLabel(doc.uri)}`, 'bcdc.pullChanges', run);
    if (result?.ok && typeof result.text === 'string') await this.followFile(doc, result.text);
    return result;
  }

  /** Waits for the editor to show the file the server wrote; reads it again if VS Code did not. */
  private async followFile(doc: vscode.TextDocument, text: string): Promise<void> {
    const name = path.basename(doc.fileName);
    const shows = () => sameText(doc.getText(), text);
    const t0 = Date.now();
    await until(doc, shows, FILE_RELOAD_MS);
    if (shows()) {
      this.log(`pull: the editor shows the new ${name} (reloaded by VS Code in ${Date.now() - t0} ms)`);
      return;
    }
    if (doc.isDirty) {
      // typed into meanwhile: VS Code keeps the user's text and says the file changed on disk when saving
      this.log(`pull: ${name} was edited meanwhile; not reloaded`);
      return;
    }
    this.log(`pull: VS Code did not reload ${name} within ${FILE_RELOAD_MS} ms: reverting the editor to the file`);
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }

  /** Publish, update and pull send the record and the API key to a catalogue: not from a folder the user
   *  has not trusted yet (Restricted Mode), whose settings and bcdc.toml someone else may have written. */
  private refusedUntrusted(doing: string): boolean {
    if (vscode.workspace.isTrusted) return false;
    void vscode.window
      .showWarningMessage(
        `BCDC: ${doing} waits until you trust this folder: in Restricted Mode records are only checked, completed and explained.`,
        'Manage Workspace Trust',
      )
      .then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
      });
    return true;
  }

  async publishOrUpdate(
    action: 'publish' | 'patch',
    uri?: vscode.Uri,
    run?: () => Promise<CommandResult | undefined>,
  ): Promise<CommandResult | undefined> {
    if (this.refusedUntrusted(action === 'publish' ? 'Publishing' : 'Updating')) return undefined;
    const doc = await this.recordDocument(uri, run !== undefined);
    const catalogue = doc && this.catalogue(doc.uri);
    if (!doc || !catalogue) return undefined;
    // Creating on production asks here; an update is confirmed once, by the server's own
    // question, which lists the changed fields and names the catalogue.
    if (catalogue.isProd && action === 'publish') {
      const answer = await vscode.window.showWarningMessage(
        `Publish ${path.basename(doc.fileName)} on the PRODUCTION BC Data Catalogue (${catalogue.host})?`,
        { modal: true, detail: 'The record becomes visible to everyone who may see it there.' },
        'Publish on production',
      );
      if (answer !== 'Publish on production') return undefined;
    }
    // the stored key is the setting's catalogue's; for a bcdc.toml's other host the server takes the key from
    // the user's bcdc-lsp/config.toml (a repository's file must not make the editor's key go elsewhere)
    const setting = this.catalogue();
    if (setting && setting.host === catalogue.host && !(await this.ensureApiKey(catalogue))) return undefined;
    const send = run ?? (() => this.client.executeCommand(`bcdc.${action}`, [doc.uri.toString()]));
    const result = await this.serverCommand(`${action === 'publish' ? 'publishing to' : 'updating on'} ${catalogue.label}`, `bcdc.${action}`, send);
    // the server already showed its message; on success keep what the catalogue now holds (e.g. the new id) on disk
    if (result?.ok && !doc.isUntitled) {
      if (result.id) await textContains(doc, result.id, 5000);
      if (doc.isDirty) await doc.save();
    }
    return result;
  }

  /** Runs a server command under a progress notification; the server reports its own outcome (showMessage),
   *  so only a failed request (server too old, crashed) is reported here. */
  private async serverCommand(
    doing: string,
    command: string,
    run: () => Promise<CommandResult | undefined>,
  ): Promise<CommandResult | undefined> {
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `BCDC: ${doing}…` }, run);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      void vscode.window.showErrorMessage(`BCDC: ${doing} failed: the server did not run ${command} (${message}).`);
      return { ok: false, message };
    }
  }

  async pull(): Promise<CommandResult | undefined> {
    if (this.refusedUntrusted('Pulling')) return undefined;
    const catalogue = this.catalogue();
    if (!catalogue) return undefined;
    const nameOrId = (
      await vscode.window.showInputBox({
        title: 'BCDC: Pull record',
        prompt: `Name or id of the dataset on ${catalogue.label} (${catalogue.host})`,
        placeHolder: 'my-dataset-name',
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : 'Enter a dataset name or id'),
      })
    )?.trim();
    if (!nameOrId) return undefined;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const fileName = `${nameOrId.replace(/[^A-Za-z0-9_.-]/g, '_')}.bcdc.yaml`;
    const target = await vscode.window.showSaveDialog({
      title: 'Save the pulled record as',
      defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
      filters: { 'Record (YAML)': ['yaml', 'yml'], 'Record (JSON)': ['json'] },
    });
    if (!target) return undefined;
    const result = await this.serverCommand(`pulling ${nameOrId} from ${catalogue.label}`, 'bcdc.pull', () =>
      this.client.executeCommand('bcdc.pull', [nameOrId, target.toString()]),
    );
    if (result?.ok) {
      const doc = await vscode.workspace.openTextDocument(target);
      await vscode.window.showTextDocument(doc);
      if (doc.isDirty) await doc.save(); // the server created the file and filled it in the buffer: keep it
    }
    return result;
  }

  /** Asks for the API key of the current catalogue's host and keeps it in SecretStorage (empty = remove). */
  async setApiKey(): Promise<boolean> {
    const catalogue = this.catalogue();
    if (!catalogue) return false;
    const key = await vscode.window.showInputBox({
      title: `BCDC: API key for ${catalogue.host}`,
      prompt: `CKAN API token for ${catalogue.baseUrl} (your user page → API Tokens). Kept in the editor's secret storage, never in settings. Leave empty to remove the stored key.`,
      password: true,
      ignoreFocusOut: true,
    });
    if (key === undefined) return false;
    const name = apiKeySecretName(catalogue.host);
    if (key.trim()) {
      await this.secrets.store(name, key.trim());
      void vscode.window.showInformationMessage(`BCDC: API key for ${catalogue.host} saved in secret storage.`);
    } else {
      await this.secrets.delete(name);
      void vscode.window.showInformationMessage(`BCDC: API key for ${catalogue.host} removed.`);
    }
    await this.client.pushSettings(); // SecretStorage.onDidChange also fires; the server takes either
    return !!key.trim();
  }

  async chooseCatalogue(): Promise<void> {
    const config = vscode.workspace.getConfiguration('bcdc');
    const current = resolveCatalogue(config.get<string>('catalogue'));
    const currentSetting = 'error' in current ? '' : current.setting;
    const custom = 'Other CKAN site…';
    const items: (vscode.QuickPickItem & { value?: string })[] = [
      { label: 'test', description: TEST_URL, value: 'test' },
      { label: 'prod', description: `${PROD_URL} (production)`, value: 'prod' },
      { label: custom, description: currentSetting.includes('://') ? currentSetting : 'enter a base URL' },
    ];
    for (const item of items) if (item.value === currentSetting) item.detail = 'in use';
    const picked = await vscode.window.showQuickPick(items, { title: 'BCDC: Choose catalogue', placeHolder: `In use: ${currentSetting || 'none'}` });
    if (!picked) return;
    let value = picked.value;
    if (!value) {
      value = (
        await vscode.window.showInputBox({
          title: 'BCDC: CKAN base URL',
          value: currentSetting.includes('://') ? currentSetting : 'https://',
          ignoreFocusOut: true,
          validateInput: (v) => catalogueUrlProblem(v),
        })
      )?.trim().replace(/\/+$/, '');
      if (!value) return;
    }
    // a user setting only (package.json: "scope": "application"); a folder names its catalogue in bcdc.toml
    await config.update('catalogue', value, vscode.ConfigurationTarget.Global);
  }
}

/** How long VS Code gets to reload a file the server wrote before the extension reads it again. */
export const FILE_RELOAD_MS = 3000;

/** The same text, whatever the line ends (the file's CRLF may come back as the editor's). */
function sameText(a: string, b: string): boolean {
  return a.replace(/\r\n/g, '\n') === b.replace(/\r\n/g, '\n');
}

/** Resolves once `doc` contains `text` (the server's applyEdit may land just after its reply), or after `ms`. */
function textContains(doc: vscode.TextDocument, text: string, ms: number): Promise<void> {
  return until(doc, () => doc.getText().includes(text), ms);
}

/** Resolves once `holds()` after a change of `doc` (or at once), or after `ms`. */
function until(doc: vscode.TextDocument, holds: () => boolean, ms: number): Promise<void> {
  if (holds()) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    };
    const timer = setTimeout(done, ms);
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === doc && holds()) done();
    });
  });
}
