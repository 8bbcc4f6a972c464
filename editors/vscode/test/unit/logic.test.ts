import { describe, expect, it } from 'vitest';
import { apiKeySecretName, catalogueUrlProblem, resolveCatalogue } from '../../src/catalogue';
import { hasRecordId, isRecord } from '../../src/recordFile';
import { redactSecrets } from '../../src/redact';
import { findServer } from '../../src/serverPath';
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
  });
  it('sees whether a record was published (has a top-level id)', () => {
    expect(hasRecordId('yaml', 'id: 9ffb4858\nname: a\n')).toBe(true);
    expect(hasRecordId('yaml', 'id:\nname: a\n')).toBe(false);
    expect(hasRecordId('json', '{"id": "9ffb4858"}')).toBe(true);
  });
});

describe('server lookup', () => {
  const exists = (files: string[]) => (f: string) => files.includes(f);
  it('prefers bcdc.server.path, and says when it is wrong', () => {
    expect(findServer('/opt/bcdc-lsp', '/usr/bin', exists(['/opt/bcdc-lsp', '/usr/bin/bcdc-lsp']))).toEqual({ path: '/opt/bcdc-lsp' });
    expect(findServer('/opt/nope', '/usr/bin', exists(['/usr/bin/bcdc-lsp']))).toEqual({ problem: expect.stringContaining('/opt/nope') });
  });
  it('falls back to PATH, else reports it missing', () => {
    expect(findServer('', '/a:/b', exists(['/b/bcdc-lsp']), 'linux')).toEqual({ path: '/b/bcdc-lsp' });
    expect(findServer(undefined, '/a', exists([]), 'linux')).toEqual({ problem: expect.stringContaining('not found on PATH') });
  });
});

describe('server settings', () => {
  it('sends catalogue, the API key and an absolute schema path', () => {
    expect(serverSettings('test', 'schema/x.json', 'k', '/ws')).toEqual({ catalogue: 'test', apiKey: 'k', schemaPath: '/ws/schema/x.json' });
    expect(serverSettings('prod', '  ', undefined, '/ws')).toEqual({ catalogue: 'prod' });
  });
});

describe('status text', () => {
  it('shows catalogue, problems, valid and published id', () => {
    expect(statusText('test', undefined).text).toBe('BCDC test');
    expect(statusText('test', { errors: 2, warnings: 1 }).text).toBe('BCDC test · $(error) 3 problems');
    expect(statusText('test', { errors: 0, warnings: 1 }).text).toBe('BCDC test · $(warning) 1 warning');
    expect(statusText('prod', { errors: 0, warnings: 0, id: '9ffb4858-75aa' }).text).toBe('BCDC prod · $(cloud) 9ffb4858 · $(check) valid');
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
