// Entry point: wires the language client, the status bar, the commands and the settings together.
import * as vscode from 'vscode';
import { apiKeySecretName, resolveCatalogue } from './catalogue';
import { BcdcClient } from './client';
import { Commands } from './commands';
import { isRecord } from './recordFile';
import { ServerSettings, serverSettings } from './settings';
import { StatusBar } from './statusBar';

let client: BcdcClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('BC Data Catalogue (bcdc-lsp)', { log: true });

  const currentCatalogue = () => resolveCatalogue(vscode.workspace.getConfiguration('bcdc').get<string>('catalogue'));
  const settings = async (): Promise<ServerSettings> => {
    const config = vscode.workspace.getConfiguration('bcdc');
    const catalogue = currentCatalogue();
    const apiKey = 'error' in catalogue ? undefined : await context.secrets.get(apiKeySecretName(catalogue.host));
    return serverSettings(
      'error' in catalogue ? (config.get<string>('catalogue') ?? 'test') : catalogue.setting,
      config.get<string>('schema.path'),
      apiKey,
      vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    );
  };

  // the client, status bar and commands refer to each other: the callbacks resolve them when called
  let bar: StatusBar | undefined = undefined;
  let commands: Commands | undefined = undefined;
  const bcdc = new BcdcClient(
    output,
    settings,
    (status) => bar?.onServerStatus(status),
    (command, args, run) => (commands ? commands.gateServerCommand(command, args, run) : run()),
  );
  client = bcdc;
  bar = new StatusBar(currentCatalogue, (uri) => bcdc.diagnostics(uri));
  commands = new Commands(context.secrets, bcdc);

  // Start the server only once a record is open: plain YAML/JSON users never see it (or a "not found" error).
  const startIfRecord = (doc: vscode.TextDocument) => {
    if (!bcdc.running && isRecord(doc.fileName, doc.languageId, doc.getText())) void bcdc.start();
  };
  vscode.workspace.textDocuments.forEach(startIfRecord);

  context.subscriptions.push(
    output,
    bcdc,
    bar,
    ...commands.register(),
    vscode.workspace.onDidOpenTextDocument(startIfRecord),
    vscode.workspace.onDidCloseTextDocument((doc) => bar.forget(doc.uri)),
    vscode.window.onDidChangeActiveTextEditor(() => bar.refresh()),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document !== vscode.window.activeTextEditor?.document) return;
      startIfRecord(e.document); // e.g. `type: bcdc_dataset` was just typed into a new file
      bar.refresh();
    }),
    vscode.languages.onDidChangeDiagnostics(() => bar.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('bcdc.server.path')) void bcdc.restart();
      else if (e.affectsConfiguration('bcdc.catalogue') || e.affectsConfiguration('bcdc.schema.path')) void bcdc.pushSettings();
      if (e.affectsConfiguration('bcdc.catalogue')) bar.refresh();
    }),
    context.secrets.onDidChange((e) => {
      if (e.key.startsWith('bcdc.apiKey/')) void bcdc.pushSettings();
    }),
  );
  bar.refresh();
}

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
