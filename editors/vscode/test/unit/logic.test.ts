import { describe, expect, it } from 'vitest';
import { apiKeySecretName, catalogueUrlProblem, resolveCatalogue } from '../../src/catalogue';
import * as fs from 'fs';
import { hasRecordId, isRecord, isYamlRecordByContent } from '../../src/recordFile';
import { redactSecrets } from '../../src/redact';
import { bundledServerPath, findServer } from '../../src/serverPath';
import { serverSettings } from '../../src/settings';
import { statusText } from '../../src/status';

describe('catalogue', () => {
  it('maps test and prod to the BC Data Catalogue hosts', () => {
    expect(resolveCatalogue(undefined)).toMatchObject({ setting: 'test', host: 'cat.data.gov.bc.ca', isProd: false });
    expect(resolveCatalogue(' PROD ')).toMatchObject({ setting: 'prod', host: 'catalogue.data.gov.bc.ca', isProd: true });
  });
  it('takes https URLs and plain http only to loopback', () => {
    expect(resolveCatalogue('http://127.0.0.1:5000/')).toMatchObject({ setting: 'http://127.0.0.1:5000', label: '127.0.0.1:5000' });
    expect(resolveCatalogue('https://catalogue.data.gov.bc.ca')).toMatchObject({ isProd: true });
    expect(catalogueUrlProblem('http://localhost:5000')).toBeUndefined();
    expect(catalogueUrlProblem('http://ckan.example.org')).toMatch(/only for 127\.0\.0\.1/);
    expect(catalogueUrlProblem('ftp://x')).toMatch(/Unsupported/);
    expect(resolveCatalogue('staging')).toEqual({ error: expect.stringContaining('Not a URL') });
  });
  it('keys API keys by host, so test and prod keys never mix', () => {
    expect(apiKeySecretName('cat.data.gov.bc.ca')).not.toBe(apiKeySecretName('catalogue.data.gov.bc.ca'));
  });
});

describe('record files', () => {
  it('recognises record names and top-level type: bcdc_dataset', () => {
    expect(isRecord('/a/x.bcdc.yml', 'yaml', '')).toBe(true);
    expect(isRecord('/a/x.yaml', 'yaml', 'name: a\ntype: "bcdc_dataset"  # ok\n')).toBe(true);
    expect(isRecord('/a/x.yaml', 'yaml', 'nested:\n  type: bcdc_dataset\n')).toBe(false);
    expect(isRecord('/a/x.json', 'json', '{"type": "bcdc_dataset"}')).toBe(true);
    expect(isRecord('/a/x.bcdc.yaml', 'plaintext', '')).toBe(false);
    expect(isRecord('Untitled-1', 'bcdc-yaml', '')).toBe(true); // the record language says so
  });
  it('gives the record language to plain YAML files that say they are records, not to others', () => {
    expect(isYamlRecordByContent('/a/x.yaml', 'yaml', 'type: bcdc_dataset\n')).toBe(true);
    expect(isYamlRecordByContent('/a/x.yaml', 'yaml', 'type: other\n')).toBe(false);
    expect(isYamlRecordByContent('/a/x.json', 'json', '{"type": "bcdc_dataset"}')).toBe(false); // JSON keeps json
    // a record name in `yaml` was put there by the user (files.associations): leave it
    expect(isYamlRecordByContent('/a/x.bcdc.yaml', 'yaml', 'type: bcdc_dataset\n')).toBe(false);
  });
  it('sees whether a record was published (has a top-level id)', () => {
    expect(hasRecordId('yaml', 'id: 9ffb4858\nname: a\n')).toBe(true);
    expect(hasRecordId('yaml', 'id:\nname: a\n')).toBe(false);
    expect(hasRecordId('json', '{"id": "9ffb4858"}')).toBe(true);
  });
});

describe('server lookup', () => {
  const exists = (files: string[]) => (f: string) => files.includes(f);
  const bundled = bundledServerPath('/ext', 'linux');
  it('prefers bcdc.server.path, and says when it is wrong', () => {
    const all = exists(['/opt/bcdc-lsp', bundled, '/usr/bin/bcdc-lsp']);
    expect(findServer('/opt/bcdc-lsp', bundled, '/usr/bin', all)).toEqual({ path: '/opt/bcdc-lsp', source: 'setting' });
    expect(findServer('/opt/nope', bundled, '/usr/bin', all)).toEqual({ problem: expect.stringContaining('/opt/nope') });
  });
  it('then takes the server the package carries, before PATH', () => {
    expect(bundled).toBe('/ext/server/bcdc-lsp');
    expect(bundledServerPath('C:\\ext', 'win32')).toMatch(/server.bcdc-lsp\.exe$/);
    expect(findServer('', bundled, '/usr/bin', exists([bundled, '/usr/bin/bcdc-lsp']), 'linux')).toEqual({ path: bundled, source: 'bundled' });
  });
  it('falls back to PATH (no server in the package, or bcdc.server.bundled off), else reports it missing', () => {
    expect(findServer('', bundled, '/a:/b', exists(['/b/bcdc-lsp']), 'linux')).toEqual({ path: '/b/bcdc-lsp', source: 'PATH' });
    expect(findServer('', undefined, '/a:/b', exists([bundled, '/b/bcdc-lsp']), 'linux')).toEqual({ path: '/b/bcdc-lsp', source: 'PATH' });
    expect(findServer(undefined, bundled, '/a', exists([]), 'linux')).toEqual({ problem: expect.stringContaining('carries none') });
    expect(findServer(undefined, undefined, '/a', exists([]), 'linux')).toEqual({ problem: expect.stringContaining('not found on PATH') });
  });
});

describe('manifest', () => {
  const manifest = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

  it('runs in Restricted Mode, and a folder\'s settings cannot pick the server or the catalogue', () => {
    const trust = manifest.capabilities.untrustedWorkspaces;
    expect(trust.supported).toBe('limited');
    const props = manifest.contributes.configuration.properties;
    for (const name of ['bcdc.server.path', 'bcdc.server.bundled', 'bcdc.catalogue']) {
      expect(props[name].scope, name).toBe('application');
      expect(trust.restrictedConfigurations).toContain(name);
    }
  });
  it('scopes its editor defaults to the record language only, never to yaml or json', () => {
    expect(Object.keys(manifest.contributes.configurationDefaults)).toEqual(['[bcdc-yaml]']);
    expect(manifest.contributes.configurationDefaults['[bcdc-yaml]']['editor.quickSuggestions']).toMatchObject({ strings: 'on' });
  });
  it('packages what the manifest points to (language configuration, grammar, server)', () => {
    const ignore = fs.readFileSync(new URL('../../.vscodeignore', import.meta.url), 'utf8').split('\n');
    for (const language of manifest.contributes.languages.filter((l: { configuration?: string }) => l.configuration)) {
      expect(ignore).toContain(`!${language.configuration.replace(/^\.\//, '')}`);
    }
    expect(ignore).toContain('!syntaxes/*.json');
    expect(ignore).toContain('!server/bcdc-lsp');
    expect(ignore).toContain('!server/bcdc-lsp.exe');
  });
});

describe('server settings', () => {
  it('sends catalogue, the API key and an absolute schema path', () => {
    expect(serverSettings('test', 'schema/x.json', 'k', '/ws')).toEqual({ catalogue: 'test', apiKey: 'k', schemaPath: '/ws/schema/x.json' });
    expect(serverSettings('prod', '  ', undefined, '/ws')).toEqual({ catalogue: 'prod' });
  });
  it('sends how often the catalogue is asked again as whole seconds, at least 1', () => {
    expect(serverSettings('test', '', undefined, '/ws', 180)).toEqual({ catalogue: 'test', catalogueRefreshSeconds: 180 });
    expect(serverSettings('test', '', undefined, '/ws', 2.4).catalogueRefreshSeconds).toBe(2);
    expect(serverSettings('test', '', undefined, '/ws', 0).catalogueRefreshSeconds).toBe(1);
    expect(serverSettings('test', '', undefined, '/ws', -5).catalogueRefreshSeconds).toBe(1);
    expect(serverSettings('test', '', undefined, '/ws', 'often')).toEqual({ catalogue: 'test' }); // the server's default
    expect(serverSettings('test', '', undefined, '/ws', Number.NaN)).toEqual({ catalogue: 'test' });
  });
});

describe('status text', () => {
  it('shows catalogue, problems, valid and published id', () => {
    expect(statusText('test', undefined).text).toBe('BCDC test');
    expect(statusText('test', { errors: 2, warnings: 1 }).text).toBe('BCDC test · $(error) 3 problems');
    expect(statusText('test', { errors: 0, warnings: 1 }).text).toBe('BCDC test · $(warning) 1 warning');
    expect(statusText('prod', { errors: 0, warnings: 0, id: '9ffb4858-75aa' }).text).toBe('BCDC prod · $(cloud) 9ffb4858 · $(check) valid');
  });

  it('says Restricted Mode and the schema in use', () => {
    const shown = statusText('test', { errors: 1, warnings: 0, schema: 'the `camel-photos` schema of 127.0.0.1:5000' }, true);
    expect(shown.text).toBe('BCDC test · $(error) 1 problem · $(shield) restricted');
    expect(shown.tooltip).toContain('trust this folder');
    expect(shown.tooltip).toContain('camel-photos');
  });
});

describe('redaction', () => {
  it('hides apiKey values in traced messages', () => {
    const traced = 'Params: {\n    "settings": {\n        "bcdc": {\n            "apiKey": "s3cr\\"et",\n            "catalogue": "test"';
    expect(redactSecrets(traced)).not.toContain('s3cr');
    expect(redactSecrets(traced)).toContain('"apiKey": "<redacted>"');
    expect(redactSecrets(traced)).toContain('"catalogue": "test"');
  });
});
