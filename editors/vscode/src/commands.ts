// The palette / menu commands. Publishing, updating and pulling are done by the server
// (workspace/executeCommand, docs/protocol.md); these handlers ask the user what is needed first.
import * as path from 'path';
import * as vscode from 'vscode';
import { Catalogue, PROD_URL, TEST_URL, apiKeySecretName, catalogueUrlProblem, resolveCatalogue } from './catalogue';
import type { BcdcClient, CommandResult } from './client';
import { isRecord } from './recordFile';

export class Commands {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly client: BcdcClient,
    /** the catalogue the server reported for a record (its bcdc.toml's host), if it differs from the setting */
    private readonly recordCatalogue: (uri: vscode.Uri) => string | undefined = () => undefined,
  ) {}

  register(): vscode.Disposable[] {
    return [
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

  private async recordDocument(uri: vscode.Uri | undefined): Promise<vscode.TextDocument | undefined> {
    const doc = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!doc || !isRecord(doc.fileName, doc.languageId, doc.getText())) {
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

  /** Server commands run from elsewhere (the server's own "Publish to …" source actions) pass through here,
   *  so they get the same production modal, API key prompt and save as the palette commands. */
  gateServerCommand(command: string, args: unknown[], run: () => Promise<unknown>): Promise<unknown> {
    if (command === 'bcdc.pull' && this.refusedUntrusted('Pulling')) return Promise.resolve(undefined);
    if ((command !== 'bcdc.publish' && command !== 'bcdc.patch') || typeof args[0] !== 'string') return run();
    const action = command === 'bcdc.publish' ? 'publish' : 'patch';
    return this.publishOrUpdate(action, vscode.Uri.parse(args[0]), run as () => Promise<CommandResult | undefined>);
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
    const doc = await this.recordDocument(uri);
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

/** Resolves once `doc` contains `text` (the server's applyEdit may land just after its reply), or after `ms`. */
function textContains(doc: vscode.TextDocument, text: string, ms: number): Promise<void> {
  if (doc.getText().includes(text)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    };
    const timer = setTimeout(done, ms);
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === doc && doc.getText().includes(text)) done();
    });
  });
}
