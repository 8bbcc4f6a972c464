// The status-bar item: catalogue in use + state of the active record, from the server's `bcdc/status`
// notification, else from counting the client's diagnostics. Also keeps the menu context keys current.
import * as vscode from 'vscode';
import { Catalogue, resolveCatalogue } from './catalogue';
import { hasRecordId, isRecord } from './recordFile';
import { RecordState, ServerStatus, statusText } from './status';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('bcdc.status', vscode.StatusBarAlignment.Left, 50);
  private readonly byUri = new Map<string, ServerStatus>();

  constructor(
    private readonly catalogue: () => Catalogue | { error: string },
    private readonly diagnostics: (uri: vscode.Uri) => readonly vscode.Diagnostic[],
  ) {
    this.item.name = 'BC Data Catalogue';
    this.item.command = 'bcdc.chooseCatalogue';
  }

  onServerStatus(status: ServerStatus): void {
    this.byUri.set(status.uri, status);
    this.refresh();
  }

  forget(uri: vscode.Uri): void {
    this.byUri.delete(uri.toString());
  }

  /** The catalogue the server reported for a record (its bcdc.toml's host, else the setting). */
  catalogueOf(uri: vscode.Uri): string | undefined {
    return this.byUri.get(uri.toString())?.catalogue;
  }

  /** The published id of a record as the server last reported it, if any. */
  publishedId(uri: vscode.Uri): string | null | undefined {
    return this.byUri.get(uri.toString())?.id;
  }

  refresh(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const record = !!doc && isRecord(doc.fileName, doc.languageId, doc.getText());
    const published = record && (!!this.publishedId(doc.uri) || hasRecordId(doc.languageId, doc.getText()));
    void vscode.commands.executeCommand('setContext', 'bcdc.activeIsRecord', record);
    void vscode.commands.executeCommand('setContext', 'bcdc.activeIsPublished', published);
    if (!record) {
      this.item.hide();
      return;
    }
    const reported = this.catalogueOf(doc.uri);
    const catalogue = reported ? resolveCatalogue(reported) : this.catalogue();
    if ('error' in catalogue) {
      this.item.text = '$(error) BCDC: bad catalogue';
      this.item.tooltip = catalogue.error;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else {
      const { text, tooltip } = statusText(catalogue.label, this.state(doc.uri), !vscode.workspace.isTrusted);
      this.item.text = text;
      this.item.tooltip = tooltip;
      // production stands out so nobody publishes there by accident
      this.item.backgroundColor = catalogue.isProd ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    }
    this.item.show();
  }

  private state(uri: vscode.Uri): RecordState | undefined {
    const status = this.byUri.get(uri.toString());
    if (status) return status;
    const diagnostics = this.diagnostics(uri);
    if (!diagnostics.length) return undefined; // the server has not spoken yet: show only the catalogue
    const errors = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
    const warnings = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Warning).length;
    return { errors, warnings };
  }

  dispose(): void {
    this.item.dispose();
  }
}
