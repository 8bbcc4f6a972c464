// Which CKAN site the records go to. Pure: no vscode import, so it is unit-tested directly.

export const TEST_URL = 'https://cat.data.gov.bc.ca';
export const PROD_URL = 'https://catalogue.data.gov.bc.ca';

export interface Catalogue {
  /** the `bcdc.catalogue` value as the server gets it: `test`, `prod` or a URL */
  setting: string;
  /** short name for the status bar: `test`, `prod` or the host of a custom URL */
  label: string;
  baseUrl: string;
  /** host[:port]; API keys are stored per host */
  host: string;
  isProd: boolean;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Why `url` cannot be a catalogue, or undefined when it can (https, or plain http to loopback only). */
export function catalogueUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return 'Not a URL. Use test, prod or a CKAN base URL such as https://ckan.example.org';
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && isLoopback(parsed.hostname)) return undefined;
  if (parsed.protocol === 'http:') return 'Plain http:// is allowed only for 127.0.0.1/localhost; use https://';
  return `Unsupported scheme ${parsed.protocol} (use https://)`;
}

export function resolveCatalogue(setting: string | undefined): Catalogue | { error: string } {
  const value = (setting ?? '').trim() || 'test';
  const keyword = value.toLowerCase();
  if (keyword === 'test') return { setting: 'test', label: 'test', baseUrl: TEST_URL, host: new URL(TEST_URL).host, isProd: false };
  if (keyword === 'prod') return { setting: 'prod', label: 'prod', baseUrl: PROD_URL, host: new URL(PROD_URL).host, isProd: true };
  const problem = catalogueUrlProblem(value);
  if (problem) return { error: `bcdc.catalogue "${value}": ${problem}` };
  const url = new URL(value);
  const baseUrl = value.replace(/\/+$/, '');
  return { setting: baseUrl, label: url.host, baseUrl, host: url.host, isProd: url.host === new URL(PROD_URL).host };
}

/** SecretStorage key of the API key for a catalogue host. */
export function apiKeySecretName(host: string): string {
  return `bcdc.apiKey/${host}`;
}
