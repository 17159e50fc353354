import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConfig, splitCommandLine } from '../../src/config.js';
import { BridgeError } from '../../src/errors.js';
import { parseBytes, parseDuration } from '../../src/units.js';

test('a --stdio line is split like a shell would, without expanding variables', () => {
  assert.deepEqual(splitCommandLine(`npx -y "@scope/server" '/data dir' --opt=$HOME`), ['npx', '-y', '@scope/server', '/data dir', '--opt=$HOME']);
});

test('shell operators in --stdio are refused without --shell', () => {
  assert.throws(() => splitCommandLine('a | b'), BridgeError);
  assert.throws(() => splitCommandLine('a && b'), BridgeError);
});

test('durations and sizes accept units, and bare numbers use the flag\'s unit', () => {
  assert.equal(parseDuration('x', '30m', 'ms'), 1_800_000);
  assert.equal(parseDuration('x', '1500', 'ms'), 1500);
  assert.equal(parseDuration('x', 15, 's'), 15_000);
  assert.equal(parseBytes('x', '4MiB'), 4 * 1024 * 1024);
  assert.equal(parseBytes('x', '512k'), 512 * 1024);
  assert.throws(() => parseDuration('x', 'soon', 'ms'), BridgeError);
});

test('defaults: port 8000 on 127.0.0.1, 30 min sessions, 4 MiB bodies, 16 MiB lines, loopback host check on', () => {
  const config = buildConfig({ stdio: 'node server.js' });
  assert.equal(config.http.port, 8000);
  assert.equal(config.http.host, '127.0.0.1');
  assert.equal(config.sessions.idleTimeoutMs, 30 * 60_000);
  assert.equal(config.http.maxBodyBytes, 4 * 1024 * 1024);
  assert.equal(config.child.maxLineBytes, 16 * 1024 * 1024);
  assert.equal(config.http.keepaliveMs, 15_000);
  assert.ok(config.http.allowedHosts?.includes('localhost'));
  assert.deepEqual(config.child.args, ['server.js']);
});

test('the config is frozen all the way down', () => {
  const config = buildConfig({ stdio: 'node server.js', env: ['A=1'] });
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.http) && Object.isFrozen(config.child.env));
});

test('a non-loopback bind has no host check unless --allowedHosts is given', () => {
  assert.equal(buildConfig({ stdio: 's', host: '0.0.0.0' }).http.allowedHosts, undefined);
  assert.deepEqual(buildConfig({ stdio: 's', host: '0.0.0.0', allowedHosts: ['gw.example'] }).http.allowedHosts, ['gw.example']);
});

test('invalid options are refused with CONFIG_INVALID', () => {
  for (const raw of [{}, { stdio: 's', command: ['t'] }, { stdio: 's', env: ['NOEQUALS'] }, { stdio: 's', ssePath: 'sse' }, { stdio: 's', port: 70000 }, { stdio: 's', baseUrl: 'not a url' }, { stdio: 's', ssePath: '/x', messagePath: '/x' }]) {
    assert.throws(() => buildConfig(raw), (error: unknown) => error instanceof BridgeError && error.code === 'CONFIG_INVALID', JSON.stringify(raw));
  }
});
