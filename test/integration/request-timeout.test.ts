/**
 * `--requestTimeout`: a request without an answer or progress for that long is answered with a
 * JSON-RPC error (REQUEST_TIMEOUT) and cancelled at the server; progress keeps a long call alive.
 * Without the flag there is no limit at all. Checked in both directions of the bridge.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { cliPath, fixtureCommand } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { RemoteServer } from '../helpers/remoteServer.js';
import { waitFor } from '../helpers/wait.js';

// Long enough for a child process to start and answer initialize on a busy machine.
const TIMEOUT_FLAGS = ['--requestTimeout', '2s'];

/** The checks every direction must pass, given a connected client. */
function describeTimeouts(client: () => Client): void {
  test('a request with no answer within the timeout gets a REQUEST_TIMEOUT error', async () => {
    await assert.rejects(client().callTool({ name: 'slow', arguments: { ms: 8_000, steps: 1 } }), /did not answer in time/);
  });

  test('progress pushes the deadline back, so a long call that reports progress completes', async () => {
    let progress = 0;
    const result = await client().callTool({ name: 'slow', arguments: { ms: 3_500, steps: 35, confirm: true } }, undefined, {
      onprogress: () => progress++,
    });
    assert.match(JSON.stringify(result.content), /waited 3500 ms/);
    assert.ok(progress >= 30, `progress arrived ${progress} times`);
  });

  test('the session keeps working after a timeout', async () => {
    const result = await client().callTool({ name: 'add', arguments: { a: 2, b: 3 } });
    assert.match(JSON.stringify(result.content), /5/);
  });
}

describe('--requestTimeout in the forward bridge', { timeout: 60_000 }, () => {
  let bridge: RunningBridge;
  let client: Client;

  test('the server is told to stop: notifications/cancelled reaches it', async () => {
    await assert.rejects(client.callTool({ name: 'slow', arguments: { ms: 8_000, steps: 1 } }), /did not answer in time/);
    await waitFor(() => /cancelled after notifications\/cancelled/.test(bridge.stderr()) || undefined, { what: 'the child to log its cancellation' });
  });

  before(async () => {
    bridge = await startBridge(['--stdio', fixtureCommand('test-server'), ...TIMEOUT_FLAGS]);
    client = new Client({ name: 'timeouts', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', bridge.url)));
  });

  after(async () => {
    await client.close();
    assert.equal(await bridge.stop(), 0);
  });

  describeTimeouts(() => client);
});

describe('--requestTimeout in the reverse bridge', { timeout: 60_000 }, () => {
  let server: RemoteServer;
  let client: Client;
  let bridgePid: number;

  before(async () => {
    server = await RemoteServer.start();
    const transport = new StdioClientTransport({ command: process.execPath, args: [cliPath, '--streamableHttp', `${server.url}/mcp`, ...TIMEOUT_FLAGS], stderr: 'ignore' });
    client = new Client({ name: 'timeouts', version: '1.0.0' });
    await client.connect(transport);
    bridgePid = transport.pid!;
  });

  after(async () => {
    await client.close();
    await waitFor(() => !isAlive(bridgePid), { what: 'the reverse bridge to exit' });
    assert.equal(await server.stop(), 0);
  });

  describeTimeouts(() => client);
});
