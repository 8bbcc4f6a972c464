// The `bcdc` settings object the server gets as initializationOptions and in didChangeConfiguration
// (docs/protocol.md, "Settings").
import * as os from 'os';
import * as path from 'path';

export interface ServerSettings {
  catalogue: string;
  apiKey?: string;
  schemaPath?: string;
  /** the folder is not trusted yet (Restricted Mode): the server uses no key and sends nothing */
  restricted?: boolean;
}

export function serverSettings(
  catalogue: string,
  schemaPath: string | undefined,
  apiKey: string | undefined,
  workspaceDir: string | undefined,
): ServerSettings {
  const settings: ServerSettings = { catalogue };
  if (apiKey) settings.apiKey = apiKey;
  const schema = (schemaPath ?? '').trim();
  if (schema) settings.schemaPath = resolvePath(schema, workspaceDir);
  return settings;
}

function resolvePath(file: string, workspaceDir: string | undefined): string {
  if (file === '~' || file.startsWith('~/')) return path.join(os.homedir(), file.slice(1));
  if (path.isAbsolute(file) || !workspaceDir) return file;
  return path.join(workspaceDir, file);
}
