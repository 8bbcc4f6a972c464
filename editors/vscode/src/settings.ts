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
  /** how often, in seconds, the server asks the catalogue again about an open record (its code lens) */
  catalogueRefreshSeconds?: number;
}

export function serverSettings(
  catalogue: string,
  schemaPath: string | undefined,
  apiKey: string | undefined,
  workspaceDir: string | undefined,
  refreshSeconds?: unknown,
): ServerSettings {
  const settings: ServerSettings = { catalogue };
  if (apiKey) settings.apiKey = apiKey;
  const schema = (schemaPath ?? '').trim();
  if (schema) settings.schemaPath = resolvePath(schema, workspaceDir);
  const refresh = refreshPeriod(refreshSeconds);
  if (refresh !== undefined) settings.catalogueRefreshSeconds = refresh;
  return settings;
}

/** The server takes a whole number of seconds, at least 1; anything else leaves its default (180). */
export function refreshPeriod(seconds: unknown): number | undefined {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return undefined;
  return Math.max(1, Math.round(seconds));
}

function resolvePath(file: string, workspaceDir: string | undefined): string {
  if (file === '~' || file.startsWith('~/')) return path.join(os.homedir(), file.slice(1));
  if (path.isAbsolute(file) || !workspaceDir) return file;
  return path.join(workspaceDir, file);
}
