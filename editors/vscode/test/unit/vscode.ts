// The parts of the `vscode` API that the extension's command logic touches, as vitest mocks.
import { vi } from 'vitest';

export class Uri {
  private constructor(readonly scheme: string, readonly path: string, readonly query = '') {}
  get fsPath(): string {
    return this.path;
  }
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static parse(value: string): Uri {
    return Uri.file(value.replace(/^file:\/\//, ''));
  }
  static from(parts: { scheme: string; path?: string; query?: string }): Uri {
    return new Uri(parts.scheme, parts.path ?? '', parts.query ?? '');
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return Uri.file([base.fsPath, ...parts].join('/'));
  }
  toString(): string {
    const query = this.query ? `?${encodeURIComponent(this.query)}` : '';
    return this.scheme === 'file' ? `file://${this.path}` : `${this.scheme}:${this.path}${query}`;
  }
}

export class EventEmitter<T> {
  private listeners: ((e: T) => void)[] = [];
  readonly event = (listener: (e: T) => void) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(e: T): void {
    for (const l of this.listeners) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export enum ConfigurationTarget { Global = 1, Workspace = 2, WorkspaceFolder = 3 }
export enum ProgressLocation { SourceControl = 1, Window = 10, Notification = 15 }

export const settings: Record<string, unknown> = {};
export const configuration = {
  get: vi.fn((key: string) => settings[key]),
  inspect: vi.fn((key: string) => ({ key, globalValue: settings[key] })),
  update: vi.fn(async (key: string, value: unknown) => {
    settings[key] = value;
  }),
};

export const window = {
  activeTextEditor: undefined as unknown,
  showWarningMessage: vi.fn(async (..._args: unknown[]): Promise<string | undefined> => undefined),
  showInformationMessage: vi.fn(async (..._args: unknown[]): Promise<string | undefined> => undefined),
  showErrorMessage: vi.fn(async (..._args: unknown[]): Promise<string | undefined> => undefined),
  showInputBox: vi.fn(async (..._args: unknown[]): Promise<string | undefined> => undefined),
  showQuickPick: vi.fn(async (..._args: unknown[]): Promise<unknown> => undefined),
  showSaveDialog: vi.fn(async (..._args: unknown[]): Promise<Uri | undefined> => undefined),
  showTextDocument: vi.fn(async (..._args: unknown[]) => undefined),
  withProgress: vi.fn(async (_options: unknown, task: () => Promise<unknown>) => task()),
};

export const workspace = {
  isTrusted: true,
  workspaceFolders: [{ uri: Uri.file('/ws') }],
  getConfiguration: vi.fn(() => configuration),
  openTextDocument: vi.fn(),
  onDidChangeTextDocument: vi.fn((_listener: (e: { document: unknown }) => void) => ({ dispose: () => undefined })),
  onDidCloseTextDocument: vi.fn(() => ({ dispose: () => undefined })),
  registerTextDocumentContentProvider: vi.fn(() => ({ dispose: () => undefined })),
};

export const languages = {
  setTextDocumentLanguage: vi.fn(async (doc: unknown, _languageId: string) => doc),
};

export const commands = {
  registerCommand: vi.fn(() => ({ dispose: () => undefined })),
  executeCommand: vi.fn(async () => undefined),
};
