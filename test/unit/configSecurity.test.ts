import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildConfig, type ForwardConfig, type RawOptions, type ReverseConfig } from '../../src/config/index.js';
import { exposureWarning, isLoopbackHost } from '../../src/config/security.js';
import { BridgeError } from '../../src/shared/errors.js';
import { offeredKeys } from '../../src/http/apiKey.js';

const dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-sec-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function forward(raw: RawOptions, env: NodeJS.ProcessEnv = {}): ForwardConfig {
  const config = buildConfig({ stdio: 'node s.js', ...raw }, env);
  assert.equal(config.mode, 'forward');
  return config as ForwardConfig;
}

function refused(raw: RawOptions, env: NodeJS.ProcessEnv = {}): string {
  try {
    forward(raw, env);
  } catch (error) {
    assert.ok(error instanceof BridgeError && error.code === 'CONFIG_INVALID', String(error));
    return error.message;
  }
  assert.fail(`accepted ${JSON.stringify(raw)}`);
}

test('security defaults: no API key, no CORS, no rate limit, 1000 sessions', () => {
  assert.deepEqual({ ...forward({}).security }, { apiKey: undefined, cors: undefined, rateLimit: undefined, maxSessions: 1000 });
});

test('the API key comes from --apiKey, else --apiKeyFile (trimmed), else MCP_API_KEY', () => {
  const file = join(dir, 'key');
  writeFileSync(file, '  from-file\n');
  assert.equal(forward({ apiKey: 'flag' }, { MCP_API_KEY: 'env' }).security.apiKey, 'flag');
  assert.equal(forward({ apiKeyFile: file }, { MCP_API_KEY: 'env' }).security.apiKey, 'from-file');
  assert.equal(forward({}, { MCP_API_KEY: 'env' }).security.apiKey, 'env');
  assert.equal(forward({}, { MCP_API_KEY: '' }).security.apiKey, undefined, 'an empty MCP_API_KEY is unset');
});

test('MCP_API_KEY stays the outbound credential in reverse mode', () => {
  const config = buildConfig({ url: 'http://h/mcp' }, { MCP_API_KEY: 'k' }) as ReverseConfig;
  assert.equal(config.remote.headers.Authorization, 'Bearer k');
  assert.equal('security' in config, false);
});

test('empty, unreadable or unusable keys are refused, and the message never shows the key', () => {
  const empty = join(dir, 'empty');
  writeFileSync(empty, ' \n\n');
  const twoLines = join(dir, 'two-lines');
  writeFileSync(twoLines, 'secret-one\nsecret-two\n');
  assert.match(refused({ apiKeyFile: empty }), /--apiKeyFile .* is empty/);
  assert.match(refused({ apiKeyFile: join(dir, 'missing') }), /cannot read --apiKeyFile .*ENOENT/);
  assert.doesNotMatch(refused({ apiKeyFile: twoLines }), /secret/);
  assert.doesNotMatch(refused({ apiKey: 'has space' }), /has space/);
  assert.match(refused({ apiKey: '   ' }), /--apiKey is empty/);
  assert.match(refused({ apiKey: 'a', apiKeyFile: empty }), /not both/);
});

test('--cors: bare means any origin, otherwise a list of origins that also pass the Origin check', () => {
  assert.equal(forward({ cors: [''] }).security.cors, '*');
  assert.equal(forward({ cors: ['http://a.example', '*'] }).security.cors, '*');
  const listed = forward({ cors: ['https://app.example/', 'http://localhost:3000'] });
  assert.deepEqual(listed.security.cors, ['https://app.example', 'http://localhost:3000']);
  assert.deepEqual(listed.http.allowedOrigins, ['https://app.example', 'http://localhost:3000']);
  assert.deepEqual(forward({ cors: ['https://app.example'], allowedOrigins: ['https://b.example'] }).http.allowedOrigins, ['https://b.example', 'https://app.example']);
});

test('--cors for any origin turns the Origin check off but keeps the Host check', () => {
  const config = forward({ cors: [''] });
  assert.equal(config.http.allowedOrigins, undefined);
  assert.ok(config.http.allowedHosts?.includes('localhost'));
  assert.deepEqual(forward({}).http.allowedOrigins, [], 'without --cors the loopback Origin check stays on');
});

test('--cors values that are not origins are refused', () => {
  for (const value of ['app.example', 'https://app.example/path', 'ftp:', 'not a url']) refused({ cors: [value] });
});

test('--rateLimit takes N/s or N/m', () => {
  assert.deepEqual({ ...forward({ rateLimit: '10/s' }).security.rateLimit }, { limit: 10, windowMs: 1000 });
  assert.deepEqual({ ...forward({ rateLimit: '600/m' }).security.rateLimit }, { limit: 600, windowMs: 60_000 });
  assert.deepEqual({ ...forward({ rateLimit: '5 / min' }).security.rateLimit }, { limit: 5, windowMs: 60_000 });
  for (const value of ['10', '0/s', '10/h', '-1/s', 'fast', '1.5/s']) refused({ rateLimit: value });
});

test('--maxSessions takes a whole number; 0 means no limit', () => {
  assert.equal(forward({ maxSessions: 3 }).security.maxSessions, 3);
  assert.equal(forward({ maxSessions: 0 }).security.maxSessions, 0);
  refused({ maxSessions: -1 });
  refused({ maxSessions: 2.5 });
});

test('loopback addresses are recognised in every spelling', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]', '::ffff:127.0.0.1']) assert.ok(isLoopbackHost(host), host);
  for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'gw.example', '::ffff:10.0.0.1', '128.0.0.1']) assert.ok(!isLoopbackHost(host), host);
});

test('a non-loopback bind without an API key gets a loud warning; with a key or on loopback, none', () => {
  const warning = exposureWarning('0.0.0.0', { apiKey: undefined });
  assert.match(warning ?? '', /SECURITY WARNING.*0\.0\.0\.0.*WITHOUT an API key.*--apiKeyFile/);
  assert.equal(exposureWarning('0.0.0.0', { apiKey: 'k' }), undefined);
  assert.equal(exposureWarning('127.0.0.1', { apiKey: undefined }), undefined);
  assert.equal(exposureWarning('::1', { apiKey: undefined }), undefined);
});

test('keys are read from Authorization: Bearer and X-API-Key, nothing else', () => {
  assert.deepEqual(offeredKeys({ authorization: 'Bearer abc' }), ['abc']);
  assert.deepEqual(offeredKeys({ authorization: 'bearer   abc  ' }), ['abc']);
  assert.deepEqual(offeredKeys({ 'x-api-key': ' xyz ' }), ['xyz']);
  assert.deepEqual(offeredKeys({ authorization: 'Bearer a', 'x-api-key': 'b' }), ['a', 'b']);
  assert.deepEqual(offeredKeys({ authorization: 'Basic YTpi' }), []);
  assert.deepEqual(offeredKeys({ authorization: 'Bearer a b' }), []);
  assert.deepEqual(offeredKeys({}), []);
});
