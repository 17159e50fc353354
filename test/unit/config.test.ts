import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConfig, splitCommandLine, type ForwardConfig, type RawOptions, type ReverseConfig } from '../../src/config/index.js';
import { BridgeError } from '../../src/shared/errors.js';
import { defaultAuthDir } from '../../src/oauth/authDir.js';
import { durationFlags, durationWarnings } from '../../src/config/durations.js';
import { parseBytes, parseDuration } from '../../src/config/units.js';

function forward(raw: RawOptions): ForwardConfig {
  const config = buildConfig(raw);
  assert.equal(config.mode, 'forward');
  return config as ForwardConfig;
}

function reverse(raw: RawOptions, env: NodeJS.ProcessEnv = {}): ReverseConfig {
  const config = buildConfig(raw, env);
  assert.equal(config.mode, 'reverse');
  return config as ReverseConfig;
}

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

test('a bare number keeps each duration flag\'s unit: ms for --sessionTimeout (as supergateway), --requestTimeout, --killGrace and --reconnect*Delay, seconds for --keepalive and --continuationTtl', () => {
  const config = forward({ stdio: 's', sessionTimeout: '30', requestTimeout: '1500', killGrace: '200', keepalive: '20', continuationTtl: '90' });
  assert.equal(config.sessions.idleTimeoutMs, 30);
  assert.equal(config.sessions.requestTimeoutMs, 1500);
  assert.equal(config.child.killGraceMs, 200);
  assert.equal(config.http.keepaliveMs, 20_000);
  assert.equal(config.continuations.ttlMs, 90_000);
  assert.deepEqual(reverse({ url: 'http://h', reconnectDelay: '100', reconnectMaxDelay: '2000' }).remote.backoff, { attempts: 6, initialDelayMs: 100, maxDelayMs: 2000 });
  assert.deepEqual(
    Object.fromEntries(Object.entries(durationFlags).map(([flag, spec]) => [flag, spec.bare])),
    { sessionTimeout: 'ms', requestTimeout: 'ms', killGrace: 'ms', childIdleTimeout: 'ms', reconnectDelay: 'ms', reconnectMaxDelay: 'ms', keepalive: 's', continuationTtl: 's' },
  );
});

test('a bare number implausibly small (or, in seconds, implausibly large) for what the flag times is warned about, naming the unit meant', () => {
  assert.deepEqual(durationWarnings({ sessionTimeout: '30' }), [
    '--sessionTimeout 30 means 30 ms (a bare number is ms for this flag), implausibly short for a session\'s idle time; did you mean 30s?',
  ]);
  const warnings = durationWarnings({ requestTimeout: 60, killGrace: '5', reconnectDelay: '2', reconnectMaxDelay: '30', keepalive: '15000', continuationTtl: '600000' });
  assert.equal(warnings.length, 6, warnings.join('\n'));
  assert.match(warnings[0]!, /^--requestTimeout 60 means 60 ms .*did you mean 60s\?$/);
  assert.match(warnings[1]!, /^--killGrace 5 means 5 ms .*did you mean 5s\?$/);
  assert.match(warnings.find((w) => w.startsWith('--keepalive'))!, /^--keepalive 15000 means 15000 s \(a bare number is seconds for this flag\), implausibly long .*did you mean 15000ms\?$/);
  assert.match(warnings.find((w) => w.startsWith('--continuationTtl'))!, /did you mean 600000ms\?$/);
  // A unit says what was meant; 0 means none (or is deliberate); plausible values, the defaults and unreadable ones (config refuses them) pass.
  assert.deepEqual(durationWarnings({ sessionTimeout: '30ms', requestTimeout: '0', killGrace: '100', keepalive: '15', continuationTtl: '10m', reconnectDelay: 'soon' }), []);
  assert.deepEqual(durationWarnings({}), []);
});

test('defaults: port 8000 on 127.0.0.1, 30 min sessions, 4 MiB bodies, 16 MiB lines, loopback host check on', () => {
  const config = forward({ stdio: 'node server.js' });
  assert.equal(config.http.port, 8000);
  assert.equal(config.http.host, '127.0.0.1');
  assert.equal(config.sessions.idleTimeoutMs, 30 * 60_000);
  assert.equal(config.http.maxBodyBytes, 4 * 1024 * 1024);
  assert.equal(config.child.maxLineBytes, 64 * 1024 * 1024);
  assert.equal(config.http.keepaliveMs, 15_000);
  assert.ok(config.http.allowedHosts?.includes('localhost'));
  assert.deepEqual(config.child.args, ['server.js']);
});

test('the config is frozen all the way down', () => {
  const config = forward({ stdio: 'node server.js', env: ['A=1'] });
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.http) && Object.isFrozen(config.child.env));
});

test('a non-loopback bind has no host check unless --allowedHosts is given', () => {
  assert.equal(forward({ stdio: 's', host: '0.0.0.0' }).http.allowedHosts, undefined);
  assert.deepEqual(forward({ stdio: 's', host: '0.0.0.0', allowedHosts: ['gw.example'] }).http.allowedHosts, ['gw.example']);
});

test('every loopback bind gets the Host check, answering to its own address too', () => {
  const hosts = forward({ stdio: 's', host: '127.0.0.2' }).http.allowedHosts;
  assert.ok(hosts?.includes('127.0.0.2') && hosts.includes('localhost'));
  assert.ok(forward({ stdio: 's', host: '::1' }).http.allowedHosts?.includes('[::1]'));
});

test('invalid options are refused with CONFIG_INVALID', () => {
  for (const raw of [{}, { stdio: 's', command: ['t'] }, { stdio: 's', env: ['NOEQUALS'] }, { stdio: 's', ssePath: 'sse' }, { stdio: 's', port: 70000 }, { stdio: 's', baseUrl: 'not a url' }, { stdio: 's', ssePath: '/x', messagePath: '/x' }]) {
    assert.throws(() => buildConfig(raw), (error: unknown) => error instanceof BridgeError && error.code === 'CONFIG_INVALID', JSON.stringify(raw));
  }
});

test('a remote flag selects reverse mode; --url detects the transport; MCP_SERVER_URL is the fallback URL', () => {
  assert.equal(reverse({ sse: 'http://h/sse' }).remote.kind, 'sse');
  assert.equal(reverse({ streamableHttp: 'http://h/mcp' }).remote.kind, 'streamableHttp');
  assert.equal(reverse({ url: 'https://h/mcp' }).remote.kind, 'auto');
  const { url, kind, headers } = reverse({}, { MCP_SERVER_URL: 'https://h/mcp' }).remote;
  assert.deepEqual({ url, kind, headers }, { url: 'https://h/mcp', kind: 'auto', headers: {} });
});

test('--protocolEra: auto by default, modern or legacy on request, never modern over legacy SSE', () => {
  assert.equal(reverse({ url: 'https://h/mcp' }).remote.era, 'auto');
  assert.equal(reverse({ streamableHttp: 'https://h/mcp', protocolEra: 'modern' }).remote.era, 'modern');
  assert.equal(reverse({ url: 'https://h/mcp', protocolEra: 'legacy' }).remote.era, 'legacy');
  for (const raw of [{ url: 'https://h/mcp', protocolEra: '2027' }, { sse: 'https://h/sse', protocolEra: 'modern' }]) {
    assert.throws(() => buildConfig(raw), (error: unknown) => error instanceof BridgeError && error.code === 'CONFIG_INVALID', JSON.stringify(raw));
  }
});

test('reconnect and timeout flags: defaults, units, and refusals', () => {
  assert.deepEqual(reverse({ url: 'http://h' }).remote.backoff, { attempts: 6, initialDelayMs: 500, maxDelayMs: 30_000 });
  assert.deepEqual(reverse({ url: 'http://h', reconnectAttempts: 0, reconnectDelay: '1s', reconnectMaxDelay: '1m' }).remote.backoff, {
    attempts: 0,
    initialDelayMs: 1000,
    maxDelayMs: 60_000,
  });
  assert.equal(reverse({ url: 'http://h' }).requestTimeoutMs, 0, 'no request timeout by default');
  assert.equal(reverse({ url: 'http://h', requestTimeout: '2m' }).requestTimeoutMs, 120_000);
  assert.equal(forward({ stdio: 's', requestTimeout: 1500 }).sessions.requestTimeoutMs, 1500);
  for (const raw of [{ reconnectAttempts: -1 }, { reconnectAttempts: 1.5 }, { reconnectDelay: '2m', reconnectMaxDelay: '1m' }, { requestTimeout: 'soon' }]) {
    assert.throws(() => buildConfig({ url: 'http://h', ...raw } as RawOptions), (error: unknown) => error instanceof BridgeError && error.code === 'CONFIG_INVALID', JSON.stringify(raw));
  }
});

test('remote credentials: --header pairs, --oauth2Bearer over MCP_API_KEY, both as Authorization: Bearer', () => {
  assert.deepEqual(reverse({ url: 'http://h', header: ['X-Team: blue', 'X-Empty:'] }).remote.headers, { 'X-Team': 'blue', 'X-Empty': '' });
  assert.equal(reverse({ url: 'http://h' }, { MCP_API_KEY: 'k1' }).remote.headers.Authorization, 'Bearer k1');
  assert.equal(reverse({ url: 'http://h', oauth2Bearer: 't2' }, { MCP_API_KEY: 'k1' }).remote.headers.Authorization, 'Bearer t2');
});

test('reverse options that cannot work are refused', () => {
  for (const raw of [{ url: 'ftp://h' }, { url: 'not a url' }, { url: 'http://h', sse: 'http://h/sse' }, { url: 'http://h', stdio: 'node s.js' }, { url: 'http://h', header: ['NoColon'] }]) {
    assert.throws(() => buildConfig(raw as RawOptions), (error: unknown) => error instanceof BridgeError && error.code === 'CONFIG_INVALID', JSON.stringify(raw));
  }
});

test('--maxSessionBufferBytes: 8 MiB by default, bounding both the client backlog and what waits for the server\'s stdin', () => {
  assert.equal(forward({ stdio: 's' }).sessions.maxBufferBytes, 8 * 1024 * 1024);
  const config = forward({ stdio: 's', maxSessionBufferBytes: '512KiB' });
  assert.equal(config.sessions.maxBufferBytes, 512 * 1024);
  assert.equal(config.child.maxBacklogBytes, 512 * 1024);
  assert.throws(() => forward({ stdio: 's', maxSessionBufferBytes: '0' }), BridgeError);
});

test('OAuth is on for a remote without a static credential, off with one or with --no-oauth', () => {
  const auth = reverse({ url: 'https://h/mcp' }, { MCP_BRIDGE_AUTH_DIR: '/tmp/auth-here' }).remote.oauth;
  assert.deepEqual(
    { serverUrl: auth?.serverUrl, authDir: auth?.authDir, callbackPort: auth?.callbackPort, noBrowser: auth?.noBrowser, clientCredentials: auth?.clientCredentials },
    { serverUrl: 'https://h/mcp', authDir: '/tmp/auth-here', callbackPort: 33418, noBrowser: false, clientCredentials: false },
  );
  assert.equal(reverse({ url: 'https://h/mcp', oauth: false }).remote.oauth, undefined);
  assert.equal(reverse({ url: 'https://h/mcp', oauth2Bearer: 't' }).remote.oauth, undefined);
  assert.equal(reverse({ url: 'https://h/mcp' }, { MCP_API_KEY: 'k' }).remote.oauth, undefined);
  assert.equal(reverse({ url: 'https://h/mcp', header: ['authorization: Basic x'] }).remote.oauth, undefined);
  assert.equal(reverse({ url: 'https://h/mcp', clientId: 'c' }, { MCP_BRIDGE_CLIENT_SECRET: 's' }).remote.oauth?.clientSecret, 's');
  for (const raw of [{ clientSecret: 's' }, { clientCredentials: true }, { callbackPort: 70000 }, { clientMetadataUrl: 'ftp://x' }, { clientMetadataUrl: 'http://h/client.json' }, { clientMetadataUrl: 'https://h/' }]) {
    assert.throws(() => buildConfig({ url: 'https://h/mcp', ...raw } as RawOptions), (error: unknown) => error instanceof BridgeError && error.code === 'CONFIG_INVALID', JSON.stringify(raw));
  }
});

test('the default auth directory follows the platform', () => {
  assert.equal(defaultAuthDir({}, 'linux', '/home/u'), '/home/u/.config/mcp-bridge/auth');
  assert.equal(defaultAuthDir({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/u'), '/x/mcp-bridge/auth');
  assert.equal(defaultAuthDir({}, 'darwin', '/Users/u'), '/Users/u/Library/Application Support/mcp-bridge/auth');
  assert.equal(defaultAuthDir({ MCP_BRIDGE_AUTH_DIR: '/d' }, 'linux', '/home/u'), '/d');
});
