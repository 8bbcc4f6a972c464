// Entry point: wires the language client, the status bar, the commands and the settings together.
import * as vscode from 'vscode';
import { apiKeySecretName, resolveCatalogue } from './catalogue';
import { BcdcClient } from './client';
import { Commands } from './commands';
import { RECORD_YAML_LANGUAGE, isRecord, isYamlRecordByContent } from './recordFile';
import { ServerSettings, serverSettings } from './settings';
import { StatusBar } from './statusBar';

let client: BcdcClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('BC Data Catalogue (bcdc-lsp)', { log: true });

  const currentCatalogue = () => resolveCatalogue(vscode.workspace.getConfiguration('bcdc').get<string>('catalogue'));
  const settings = async (): Promise<ServerSettings> => {
    const config = vscode.workspace.getConfiguration('bcdc');
    const catalogue = currentCatalogue();
    // Restricted Mode: nothing is sent to a catalogue with the user's key until the folder is trusted
    const apiKey =
      'error' in catalogue || !vscode.workspace.isTrusted ? undefined : await context.secrets.get(apiKeySecretName(catalogue.host));
    const settings = serverSettings(
      'error' in catalogue ? (config.get<string>('catalogue') ?? 'test') : catalogue.setting,
      config.get<string>('schema.path'),
      apiKey,
      vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      config.get<number>('catalogueRefreshSeconds'),
    );
    if (!vscode.workspace.isTrusted) settings.restricted = true;
    return settings;
  };

  // the client, status bar and commands refer to each other: the callbacks resolve them when called
  let bar: StatusBar | undefined = undefined;
  let commands: Commands | undefined = undefined;
  const bcdc = new BcdcClient(
    context.extensionPath,
    output,
    settings,
    (status) => bar?.onServerStatus(status),
    (command, args, run) => (commands ? commands.gateServerCommand(command, args, run) : run()),
  );
  client = bcdc;
  bar = new StatusBar(currentCatalogue, (uri) => bcdc.diagnostics(uri));
  commands = new Commands(context.secrets, bcdc, (uri) => bar?.catalogueOf(uri), (message) => output.info(message));

  // Start the server only once a record is open: plain YAML/JSON users never see it (or a "not found" error).
  const startIfRecord = (doc: vscode.TextDocument) => {
    if (!bcdc.running && isRecord(doc.fileName, doc.languageId, doc.getText())) void bcdc.start();
  };
  // A plain .yaml file that says `type: bcdc_dataset` gets the record language (and so its editor defaults),
  // once per file and session: a user who picks YAML again keeps it.
  const relabelled = new Set<string>();
  const giveRecordLanguage = (doc: vscode.TextDocument) => {
    if (!vscode.workspace.getConfiguration('bcdc').get<boolean>('detectRecordLanguage', true)) return;
    const key = doc.uri.toString();
    if (relabelled.has(key) || !isYamlRecordByContent(doc.fileName, doc.languageId, doc.getText())) return;
    relabelled.add(key);
    void vscode.languages.setTextDocumentLanguage(doc, RECORD_YAML_LANGUAGE);
  };
  // The Red Hat YAML extension also serves .yaml files of other languages (its document selector has a
  // file-name pattern) but starts only for `yaml` ones: start it for records too, so it keeps them.
  const startYamlExtension = (doc: vscode.TextDocument) => {
    if (doc.languageId !== RECORD_YAML_LANGUAGE) return;
    const yaml = vscode.extensions.getExtension('redhat.vscode-yaml');
    if (yaml && !yaml.isActive) void yaml.activate();
  };
  const onOpen = (doc: vscode.TextDocument) => {
    giveRecordLanguage(doc);
    startYamlExtension(doc);
    startIfRecord(doc);
  };
  vscode.workspace.textDocuments.forEach(onOpen);

  context.subscriptions.push(
    output,
    bcdc,
    bar,
    ...commands.register(),
    vscode.workspace.onDidOpenTextDocument(onOpen),
    vscode.workspace.onDidCloseTextDocument((doc) => bar.forget(doc.uri)),
    vscode.window.onDidChangeActiveTextEditor(() => bar.refresh()),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document !== vscode.window.activeTextEditor?.document) return;
      // e.g. `type: bcdc_dataset` was just typed into a new file
      giveRecordLanguage(e.document);
      startIfRecord(e.document);
      bar.refresh();
    }),
    vscode.languages.onDidChangeDiagnostics(() => bar.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('bcdc.server.path') || e.affectsConfiguration('bcdc.server.bundled')) void bcdc.restart();
      else if (
        e.affectsConfiguration('bcdc.catalogue') ||
        e.affectsConfiguration('bcdc.schema.path') ||
        e.affectsConfiguration('bcdc.catalogueRefreshSeconds')
      )
        void bcdc.pushSettings();
      if (e.affectsConfiguration('bcdc.catalogue')) bar.refresh();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      // the key may go to the server now, and the restricted settings (server path) apply
      void bcdc.restart();
      bar.refresh();
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
