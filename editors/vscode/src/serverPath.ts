// Where the bcdc-lsp executable is: the `bcdc.server.path` setting, else the server inside the extension
// (platform packages carry it in server/; `bcdc.server.bundled` = false skips it), else `bcdc-lsp` on PATH.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export type ServerLookup = { path: string; source: 'setting' | 'bundled' | 'PATH' } | { problem: string };

export function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where a platform package carries the server, under the extension's folder. */
export function bundledServerPath(extensionDir: string, platform: NodeJS.Platform = process.platform): string {
  return path.join(extensionDir, 'server', platform === 'win32' ? 'bcdc-lsp.exe' : 'bcdc-lsp');
}

export function findServer(
  configured: string | undefined,
  bundled: string | undefined,
  envPath: string | undefined,
  isExecutable: (file: string) => boolean = isExecutableFile,
  platform: NodeJS.Platform = process.platform,
): ServerLookup {
  const setting = (configured ?? '').trim();
  if (setting) {
    const file = setting.startsWith('~') ? path.join(os.homedir(), setting.slice(1)) : setting;
    return isExecutable(file)
      ? { path: file, source: 'setting' }
      : { problem: `The bcdc-lsp server set in "bcdc.server.path" (${setting}) is not an executable file.` };
  }
  // a package built without a server (the platform-neutral one) has none: PATH then
  if (bundled && isExecutable(bundled)) return { path: bundled, source: 'bundled' };
  const names = platform === 'win32' ? ['bcdc-lsp.exe', 'bcdc-lsp.cmd', 'bcdc-lsp'] : ['bcdc-lsp'];
  for (const dir of (envPath ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of names) {
      const file = path.join(dir, name);
      if (isExecutable(file)) return { path: file, source: 'PATH' };
    }
  }
  return {
    problem: bundled
      ? 'The bcdc-lsp server was not found: this package of the extension carries none for this platform, and there is none on PATH.'
      : 'The bcdc-lsp server was not found on PATH ("bcdc.server.bundled" is off).',
  };
}

// plain text: notifications do not render markdown
export const INSTALL_HINT =
  'Install the extension package for your platform (it carries the server), ' +
  'or put bcdc-lsp on PATH (from a bcdc-lsp checkout: "cargo install --locked --path .", which puts it in ~/.cargo/bin), ' +
  'or set "bcdc.server.path" to the executable.';
