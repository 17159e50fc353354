// OAuth for a gateway's remote entries: the gateway never opens a browser; the operator signs in ahead of
// time with `mcp-bridge auth --config FILE --server NAME`, which the gateway's tokens then come from, and
// an entry with client credentials gets its tokens by itself.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startOAuthFixture, type OAuthFixture } from '../fixtures/oauth-server.js';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { recordedVisit } from '../helpers/oauth.js';
import { cliPath, fixturePath } from '../helpers/paths.js';
import { connectUrl, firstText } from '../helpers/sdkClients.js';
import { waitFor } from '../helpers/wait.js';

/** Runs `mcp-bridge auth …args` to its end; resolves its exit code and stderr. */
function runAuth(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  const proc = spawn(process.execPath, [cliPath, 'auth', ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => proc.once('exit', (code) => resolve({ code, stderr })));
}

describe('gateway mode: OAuth for remote entries, signed in ahead of time', { timeout: 120_000 }, () => {
  let dir: string;
  let config: string;
  let secured: OAuthFixture;
  let machine: OAuthFixture;
  let bridge: RunningBridge;
  let env: NodeJS.ProcessEnv;
  let browserRecord: string;

  before(async () => {
    [secured, machine] = await Promise.all([startOAuthFixture(), startOAuthFixture()]);
    secured.serveMcp = machine.serveMcp = true;
    dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-gateway-oauth-'));
    browserRecord = join(dir, 'visit.json');
    env = {
      MCP_BRIDGE_AUTH_DIR: join(dir, 'auth'),
      MACHINE_SECRET: machine.machineClient.secret,
      // A stand-in browser that signs in and records its visit: the gateway itself must never run it.
      BROWSER: `${JSON.stringify(process.execPath)} ${JSON.stringify(fixturePath('browser'))} ${JSON.stringify(browserRecord)} %s`,
    };
    config = join(dir, 'claude_desktop_config.json');
    writeFileSync(config, JSON.stringify({
      mcpServers: {
        secured: { type: 'http', url: secured.resourceUrl },
        machine: { type: 'http', url: machine.resourceUrl },
        local: { command: process.execPath, args: [fixturePath('test-server')] },
      },
      'mcp-bridge': { servers: { machine: { oauth: { clientId: machine.machineClient.id, clientSecret: '${MACHINE_SECRET}', clientCredentials: true } } } },
    }));
    bridge = await startBridge(['--config', config], env);
  });

  after(async () => {
    assert.equal(await bridge.stop(), 0);
    assert.deepEqual(bridge.children(), [], 'no process of any server is left');
    await Promise.all([secured.close(), machine.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('before any sign-in, a client of the remote entry gets an error, no browser is opened, and the log names the auth command', async () => {
    await assert.rejects(connectUrl(`${bridge.url}/servers/secured/mcp`));
    await waitFor(() => bridge.stderr().includes('--server secured'), { what: 'the log to name the sign-in command' });
    assert.match(bridge.stderr(), /sign in ahead of time/);
    assert.ok(bridge.stderr().includes(`mcp-bridge auth --config ${config} --server secured`), bridge.stderr());
    assert.equal(secured.stats.authorizations, 0, 'the gateway started no sign-in');
    assert.equal(existsSync(browserRecord), false, 'the gateway opened no browser');
  });

  test('mcp-bridge auth --config FILE --server NAME signs in through the browser, and the running gateway then serves the entry with those tokens', async () => {
    const signIn = await runAuth(['--config', config, '--server', 'secured', '--callbackPort', '0'], env);
    assert.equal(signIn.code, 0, signIn.stderr);
    assert.equal((await waitFor(() => recordedVisit(browserRecord), { what: 'the stand-in browser' })).status, 200);
    assert.equal(secured.stats.authorizations, 1);
    const client = await connectUrl(`${bridge.url}/servers/secured/mcp`);
    try {
      assert.ok((await client.listTools()).tools.some((tool) => tool.name === 'echo'));
      assert.equal(firstText(await client.callTool({ name: 'echo', arguments: { text: 'signed in' } })), 'signed in');
      assert.equal(secured.stats.authorizations, 1, 'no second sign-in');
    } finally {
      await client.close();
    }
  });

  test('an entry with client credentials gets its tokens by itself, with the secret taken from a variable of the file', async () => {
    const client = await connectUrl(`${bridge.url}/servers/machine/mcp`);
    try {
      assert.equal(firstText(await client.callTool({ name: 'echo', arguments: { text: 'machine' } })), 'machine');
      assert.ok(machine.stats.clientCredentialGrants >= 1);
      assert.equal(machine.stats.authorizations, 0);
    } finally {
      await client.close();
    }
  });

  test('auth --config without --server, with an unknown one or with a stdio one exits 2 naming the servers or the reason', async () => {
    const missing = await runAuth(['--config', config], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /needs --server NAME.*secured, machine, local/);
    const unknown = await runAuth(['--config', config, '--server', 'nope'], env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no enabled server "nope"/);
    const stdio = await runAuth(['--config', config, '--server', 'local'], env);
    assert.equal(stdio.code, 2);
    assert.match(stdio.stderr, /stdio server; only remote servers sign in/);
  });
});
