// Where the bcdc-lsp executable is: the `bcdc.server.path` setting, else `bcdc-lsp` on PATH.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export type ServerLookup = { path: string } | { problem: string };

export function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findServer(
  configured: string | undefined,
  envPath: string | undefined,
  isExecutable: (file: string) => boolean = isExecutableFile,
  platform: NodeJS.Platform = process.platform,
): ServerLookup {
  const setting = (configured ?? '').trim();
  if (setting) {
    const file = setting.startsWith('~') ? path.join(os.homedir(), setting.slice(1)) : setting;
    return isExecutable(file)
      ? { path: file }
      : { problem: `The bcdc-lsp server set in "bcdc.server.path" (${setting}) is not an executable file.` };
  }
  const names = platform === 'win32' ? ['bcdc-lsp.exe', 'bcdc-lsp.cmd', 'bcdc-lsp'] : ['bcdc-lsp'];
  for (const dir of (envPath ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of names) {
      const file = path.join(dir, name);
      if (isExecutable(file)) return { path: file };
    }
  }
  return { problem: 'The bcdc-lsp server was not found on PATH.' };
}

// plain text: notifications do not render markdown
export const INSTALL_HINT =
  'Install it and put it on PATH (from a bcdc-lsp checkout: "cargo install --locked --path .", which puts it in ~/.cargo/bin), ' +
  'or set "bcdc.server.path" to the executable.';
