// "Show diff" (the code lens' bcdc.diff): the server returns the fields that differ between the record's copy on
// the catalogue and the file, as two texts; they are shown in VS Code's diff editor as two read-only documents of
// their own scheme, in the record's language so that they are highlighted like the record.
import * as path from 'path';
import * as vscode from 'vscode';

export const DIFF_SCHEME = 'bcdc-diff';

/** What bcdc.diff returns on success (docs/protocol.md, "Commands"). */
export interface DiffResult {
  ok: boolean;
  message: string;
  /** the differing fields as the catalogue has them (left) */
  catalogue?: string;
  /** the same fields as the file has them (right) */
  file?: string;
  /** how many fields differ */
  fields?: number;
  /** e.g. "water.bcdc.yaml: test ↔ file" */
  title?: string;
}

/** The two sides' URIs for a record: the record's own file name (so its language follows from it), under
 *  /catalogue/ or /file/, with the record's URI as the query (two records of the same name stay apart). */
export function diffUris(record: vscode.Uri): { left: vscode.Uri; right: vscode.Uri } {
  const name = path.posix.basename(record.path) || 'record';
  const side = (which: string) => vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${which}/${name}`, query: record.toString() });
  return { left: side('catalogue'), right: side('file') };
}

export class DiffDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  /** A closed side's text is not kept (showing the diff again sets it first). */
  forget(uri: vscode.Uri): void {
    if (uri.scheme === DIFF_SCHEME) this.texts.delete(uri.toString());
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** Opens (or, for a record already shown, updates) the diff editor: the catalogue left, the file right. */
  async show(record: vscode.TextDocument, result: DiffResult): Promise<void> {
    const { left, right } = diffUris(record.uri);
    const sides: [vscode.Uri, string][] = [
      [left, result.catalogue ?? ''],
      [right, result.file ?? ''],
    ];
    for (const [uri, text] of sides) {
      this.texts.set(uri.toString(), text);
      this.changed.fire(uri); // a diff editor already open for this record shows the new texts
    }
    // the record's language (e.g. a plain .yaml record in bcdc-yaml, a .bcdc.json in json), not only the name's
    for (const [uri] of sides) {
      const doc = await vscode.workspace.openTextDocument(uri);
      if (doc.languageId !== record.languageId) await vscode.languages.setTextDocumentLanguage(doc, record.languageId);
    }
    const title = result.title ?? `${path.posix.basename(record.uri.path)}: catalogue ↔ file`;
    await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
  }

  dispose(): void {
    this.changed.dispose();
    this.texts.clear();
  }
}
