// The language client's lifecycle: find the server, start it over stdio, keep its settings current.
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { redactingChannel } from './redact';
import { RECORD_YAML_LANGUAGE } from './recordFile';
import { INSTALL_HINT, bundledServerPath, findServer } from './serverPath';
import { ServerSettings } from './settings';
import { ServerStatus } from './status';

/** What the server's bcdc.* commands return (docs/protocol.md, "Commands"). */
export interface CommandResult {
  ok: boolean;
  message: string;
  id?: string;
  url?: string;
  /** bcdc.pull and bcdc.pullChanges: the file's new content */
  text?: string;
}

export class BcdcClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient | undefined> | undefined;
  /** set once the user was told the server is missing, so opening more records does not repeat it */
  private toldMissing = false;

  constructor(
    /** the extension's folder: a platform package carries the server in server/ */
    private readonly extensionDir: string,
    private readonly output: vscode.LogOutputChannel,
    private readonly settings: () => Promise<ServerSettings>,
    private readonly onStatus: (status: ServerStatus) => void,
    /** wraps every server command VS Code runs (e.g. from a code action); `run` sends it */
    private readonly gate: (command: string, args: unknown[], run: () => Promise<unknown>) => Promise<unknown>,
  ) {}

  get running(): LanguageClient | undefined {
    return this.client;
  }

  /** Starts the server once; later calls wait for the same start. Undefined when it cannot run. */
  start(): Promise<LanguageClient | undefined> {
    if (!this.starting) {
      const starting = this.launch().then((client) => {
        if (this.starting !== starting) return client; // stopped meanwhile: stop() takes care of it
        if (client) this.client = client;
        else this.starting = undefined; // let a later command retry after the user fixed the path
        return client;
      });
      this.starting = starting;
    }
    return this.starting;
  }

  async restart(): Promise<LanguageClient | undefined> {
    await this.stop();
    this.toldMissing = false;
    return this.start();
  }

  async stop(): Promise<void> {
    const starting = this.starting;
    this.starting = undefined;
    this.client = undefined;
    const client = starting ? await starting : undefined;
    if (client) await client.stop().catch((e) => this.output.error(`stopping the server: ${e}`));
  }

  dispose(): void {
    void this.stop();
  }

  /** Sends the full `bcdc` settings object (with the API key from secret storage) to the running server. */
  async pushSettings(): Promise<void> {
    if (!this.client) return;
    await this.client.sendNotification(DidChangeConfigurationNotification.type, { settings: { bcdc: await this.settings() } });
  }

  async executeCommand(command: string, args: unknown[]): Promise<CommandResult | undefined> {
    if (!this.client) this.toldMissing = false; // the user asked for something: say again why it cannot run
    const client = await this.start();
    if (!client) return undefined;
    return (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args })) as CommandResult;
  }

  diagnostics(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.client?.diagnostics?.get(uri) ?? [];
  }

  private async launch(): Promise<LanguageClient | undefined> {
    const config = vscode.workspace.getConfiguration('bcdc');
    const bundled = config.get<boolean>('server.bundled', true) ? bundledServerPath(this.extensionDir) : undefined;
    const found = findServer(config.get<string>('server.path'), bundled, process.env.PATH);
    if ('problem' in found) {
      this.output.error(`${found.problem} ${INSTALL_HINT}`);
      if (this.toldMissing) return undefined;
      this.toldMissing = true;
      void vscode.window
        .showErrorMessage(`BCDC: ${found.problem} ${INSTALL_HINT}`, 'Open Settings', 'Retry')
        .then((choice) => {
          if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'bcdc.server.path');
          if (choice === 'Retry') void this.restart();
        });
      return undefined;
    }
    const from = { setting: 'set in bcdc.server.path', bundled: 'the one in this extension', PATH: 'from PATH' }[found.source];
    this.output.info(`starting ${found.path} serve (${from})`);
    const serverOptions: ServerOptions = { command: found.path, args: ['serve'], transport: TransportKind.stdio };
    const clientOptions: LanguageClientOptions = {
      // the server itself ignores YAML/JSON documents that are not records
      documentSelector: [
        { scheme: 'file', language: RECORD_YAML_LANGUAGE },
        { scheme: 'file', language: 'yaml' },
        { scheme: 'file', language: 'json' },
        { scheme: 'untitled', language: RECORD_YAML_LANGUAGE },
        { scheme: 'untitled', language: 'yaml' },
        { scheme: 'untitled', language: 'json' },
      ],
      initializationOptions: await this.settings(),
      outputChannel: redactingChannel(this.output), // also the trace channel: traces carry the settings
      middleware: {
        executeCommand: (command, args, next) => this.gate(command, args, () => Promise.resolve(next(command, args))),
        workspace: {
          // answer workspace/configuration for "bcdc" with the same object didChangeConfiguration carries
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (!Array.isArray(result)) return result;
            const bcdc = await this.settings();
            return params.items.map((item, i) => (item.section === 'bcdc' ? bcdc : result[i]));
          },
        },
      },
    };
    const client = new LanguageClient('bcdc', 'BC Data Catalogue (bcdc-lsp)', serverOptions, clientOptions);
    client.onNotification('bcdc/status', (status: ServerStatus) => this.onStatus(status));
    try {
      await client.start();
    } catch (e) {
      this.output.error(`the server did not start: ${e}`);
      void vscode.window.showErrorMessage(`BCDC: the bcdc-lsp server (${found.path}) did not start: ${e}`);
      void client.dispose().catch(() => undefined);
      return undefined;
    }
    return client;
  }
}
