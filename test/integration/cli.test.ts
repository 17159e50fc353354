import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { startBridge } from '../helpers/bridge.js';
import { callTool, messagesOf, openStreamableSession, post } from '../helpers/http.js';
import { cliPath, fixturePath } from '../helpers/paths.js';

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the command line', () => {
  test('--help documents every flag with its default and exits 0', () => {
    const { status, stdout } = runCli(['--help']);
    assert.equal(status, 0);
    for (const flag of ['--stdio', '--shell', '--env', '--passEnv', '--cwd', '--port', '--host', '--baseUrl', '--ssePath', '--messagePath',
      '--streamableHttpPath', '--allowedHosts', '--allowedOrigins', '--sessionTimeout', '--keepalive', '--maxBodyBytes', '--maxLineBytes',
      '--killGrace', '--eventStoreSize', '--jsonResponse', '--logLevel', '--logFormat', '--requestTimeout', '--maxSessionBufferBytes',
      '--url', '--sse', '--streamableHttp', '--header', '--oauth2Bearer', '--reconnectAttempts', '--reconnectDelay', '--reconnectMaxDelay',
      '--apiKey', '--apiKeyFile', '--cors', '--rateLimit', '--maxSessions']) {
      assert.ok(stdout.includes(flag), `--help mentions ${flag}`);
    }
    assert.match(stdout, /\[default: 8000\]/);
    assert.match(stdout, /\[default: "127\.0\.0\.1"\]/);
  });

  test('--help says what a bare number means for every duration flag, and that auth --logout revokes the tokens', () => {
    const { stdout } = runCli(['--help']);
    const flat = stdout.replace(/\s+/g, ' ');
    for (const flag of ['sessionTimeout', 'requestTimeout', 'killGrace', 'reconnectDelay', 'reconnectMaxDelay']) {
      assert.match(flat, new RegExp(`--${flag} .*?\\(bare number: ms\\)`), `--${flag} says ms`);
    }
    for (const flag of ['keepalive', 'continuationTtl']) assert.match(flat, new RegExp(`--${flag} .*?\\(bare number: seconds\\)`), `--${flag} says seconds`);
    assert.match(flat, /auth .*with --logout: revoke its tokens at the authorization server and forget them/);
    assert.match(flat, /--logout .*revoke the tokens for --url at the authorization server/);
  });

  test('a bare number implausibly small for its flag is warned about on stderr at start-up, and keeps its meaning', async () => {
    const bridge = await startBridge(['--sessionTimeout', '30', '--killGrace', '5', '--stdio', `${JSON.stringify(process.execPath)} ${JSON.stringify(fixturePath('env-server'))}`]);
    try {
      assert.match(bridge.stderr(), /--sessionTimeout 30 means 30 ms \(a bare number is ms for this flag\), implausibly short for a session's idle time; did you mean 30s\?/);
      assert.match(bridge.stderr(), /--killGrace 5 means 5 ms .*did you mean 5s\?/);
      assert.doesNotMatch(bridge.stderr(), /--keepalive|--requestTimeout/, 'defaults are not warned about');
    } finally {
      assert.equal(await bridge.stop(), 0);
    }
  });

  test('an unknown flag is a usage error with exit code 2', () => {
    const { status, stderr } = runCli(['--stdio', 'node x.js', '--no-such-flag']);
    assert.equal(status, 2);
    assert.match(stderr, /Unknown argument/i);
  });

  test('a server command that does not exist exits 2 at once with a clear message, before listening', () => {
    const { status, stderr } = runCli(['--stdio', 'mcp-bridge-no-such-cmd --flag']);
    assert.equal(status, 2);
    assert.match(stderr, /the MCP server command "mcp-bridge-no-such-cmd" was not found on PATH, or is not executable/);
    assert.doesNotMatch(stderr, /listening/);
    const relative = runCli(['--stdio', './no/such/server.js', '--cwd', '/tmp']);
    assert.equal(relative.status, 2);
    assert.match(relative.stderr, /"\.\/no\/such\/server\.js" was not found \(from \/tmp\)/);
  });

  test('a missing server command is a usage error with exit code 2', () => {
    const { status, stderr } = runCli([]);
    assert.equal(status, 2);
    assert.match(stderr, /no MCP server/);
  });

  test('shell syntax without --shell and an invalid value are usage errors with exit code 2', () => {
    assert.equal(runCli(['--stdio', 'node a.js | cat']).status, 2);
    assert.equal(runCli(['--stdio', 'node a.js', '--logLevel', 'loud']).status, 2);
    assert.equal(runCli(['--stdio', 'node a.js', '--sessionTimeout', 'soon']).status, 2);
  });

  test('the server can be given after -- and receives its arguments unsplit', async () => {
    const bridge = await startBridge(['--', process.execPath, fixturePath('env-server'), 'an arg with spaces']);
    try {
      const { headers } = await openStreamableSession(bridge.url);
      const [answer] = await messagesOf(await post(`${bridge.url}/mcp`, callTool(1, 'argv'), headers));
      assert.deepEqual(JSON.parse((answer!.result as { content: { text: string }[] }).content[0]!.text), ['an arg with spaces']);
    } finally {
      assert.equal(await bridge.stop(), 0);
    }
  });

  test('the child gets the allow-listed environment plus --env and --passEnv, never other gateway variables', async () => {
    const bridge = await startBridge(
      ['--env', 'GIVEN=1', '--passEnv', 'PASSED', '--stdio', `${JSON.stringify(process.execPath)} ${JSON.stringify(fixturePath('env-server'))}`],
      { PASSED: 'yes', GATEWAY_SECRET: 'hunter2' },
    );
    try {
      const { headers } = await openStreamableSession(bridge.url);
      const [answer] = await messagesOf(await post(`${bridge.url}/mcp`, callTool(1, 'env'), headers));
      const env = JSON.parse((answer!.result as { content: { text: string }[] }).content[0]!.text) as Record<string, string>;
      assert.equal(env.GIVEN, '1');
      assert.equal(env.PASSED, 'yes');
      assert.equal(env.GATEWAY_SECRET, undefined);
      assert.ok(env.PATH);
    } finally {
      assert.equal(await bridge.stop(), 0);
    }
  });

  test('--shell runs the command line through /bin/sh', async () => {
    const bridge = await startBridge(['--shell', '--stdio', `X=from-shell exec ${JSON.stringify(process.execPath)} ${JSON.stringify(fixturePath('env-server'))}`]);
    try {
      const { headers } = await openStreamableSession(bridge.url);
      const [answer] = await messagesOf(await post(`${bridge.url}/mcp`, callTool(1, 'env'), headers));
      assert.match((answer!.result as { content: { text: string }[] }).content[0]!.text, /"X":"from-shell"/);
    } finally {
      assert.equal(await bridge.stop(), 0);
    }
  });

  test('--logFormat json writes one JSON object per line to stderr and nothing to stdout', async () => {
    const bridge = await startBridge(['--logFormat', 'json', '--stdio', `${JSON.stringify(process.execPath)} ${JSON.stringify(fixturePath('env-server'))}`]);
    let stdout = '';
    bridge.proc.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await openStreamableSession(bridge.url);
    assert.equal(await bridge.stop(), 0);
    const lines = bridge.stderr().trim().split('\n');
    for (const line of lines) {
      const entry = JSON.parse(line) as { level: string; message: string; timestamp: string };
      assert.ok(entry.level && entry.message && entry.timestamp);
    }
    assert.ok(lines.some((line) => line.includes('"sessionId"') && line.includes('"transport":"streamableHttp"')));
    assert.equal(stdout, '');
  });

  test('when the reader of its log goes away (EPIPE on stderr), the bridge keeps serving and still exits 0 on SIGTERM', async () => {
    const bridge = await startBridge(['--stdio', `${JSON.stringify(process.execPath)} ${JSON.stringify(fixturePath('env-server'))}`]);
    try {
      bridge.proc.stderr!.destroy();
      for (let i = 0; i < 3; i++) await openStreamableSession(bridge.url); // each session logs a line
      assert.equal((await fetch(`${bridge.url}/healthz`)).status, 200);
    } finally {
      assert.equal(await bridge.stop(), 0);
    }
  });
});
