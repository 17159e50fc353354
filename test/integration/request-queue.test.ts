// Request queuing for heavy servers (--maxInFlight, --maxQueued, and the same per server in gateway
// mode) and the metrics that show it: queue length and wait, the `server` label, and each server's
// resident memory sampled from /proc.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { scrape } from '../helpers/metrics.js';
import { fixtureCommand, fixturePath } from '../helpers/paths.js';
import { connectUrl, firstText } from '../helpers/sdkClients.js';
import { waitFor } from '../helpers/wait.js';

/** Calls `slow` for `ms` with progress; resolves `started` once the server reported its first step (so the call is in the child). */
function slowCall(client: Client, ms: number, signal?: AbortSignal) {
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const done = client
    .callTool({ name: 'slow', arguments: { ms, steps: 10 } }, CallToolResultSchema, { onprogress: () => markStarted(), signal })
    .then((result) => ({ text: firstText(result), at: performance.now() }));
  return { started, done };
}

/** The catalogue code of a refused call (`data.reason`), or the message when there is none. */
async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return error instanceof McpError ? ((error.data as { reason?: string } | undefined)?.reason ?? error.message) : String(error);
  }
  return 'answered';
}

describe('--maxInFlight and --maxQueued: a heavy server takes requests one slot at a time', { timeout: 120_000 }, () => {
  let bridge: RunningBridge;

  before(async () => {
    bridge = await startBridge(['--sessionMode', 'shared', '--maxInFlight', '1', '--maxQueued', '1', '--stdio', fixtureCommand('test-server')]);
  });

  after(async () => {
    assert.equal(await bridge.stop(), 0);
    assert.deepEqual(bridge.children(), [], 'no server process is left');
  });

  test('a request beyond the limit waits in arrival order, and one more than the queue holds is answered SERVER_BUSY at once', async () => {
    const [first, second] = await Promise.all([connectUrl(`${bridge.url}/mcp`), connectUrl(`${bridge.url}/mcp`)]);
    try {
      const running = slowCall(first, 1500);
      await running.started;
      const waiting = second.callTool({ name: 'echo', arguments: { text: 'queued' } }).then((result) => ({ text: firstText(result), at: performance.now() }));
      await waitFor(async () => (await scrape(bridge.url)).value('mcp_bridge_queued_requests') === 1, { what: 'one request queued' });
      const refusedAt = performance.now();
      assert.equal(await refusal(second.callTool({ name: 'echo', arguments: { text: 'one too many' } })), 'SERVER_BUSY');
      assert.ok(performance.now() - refusedAt < 1000, 'the refusal does not wait for a slot');
      const [done, queued] = await Promise.all([running.done, waiting]);
      assert.equal(queued.text, 'queued');
      assert.ok(queued.at >= done.at, 'the queued request went to the server only after the one in flight was answered');
      const metrics = await scrape(bridge.url);
      assert.equal(metrics.value('mcp_bridge_queued_requests'), 0);
      assert.ok(metrics.value('mcp_bridge_queue_wait_seconds_count') >= 1, 'the wait is measured');
      assert.ok(metrics.value('mcp_bridge_queue_wait_seconds_sum') > 0.5, 'the queued request waited for the slow call');
      assert.ok(metrics.value('mcp_bridge_child_resident_bytes') > 8 * 1024 * 1024, 'the shared server process resident memory is sampled');
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  test('a queued request that its client cancels leaves the queue without reaching the server, and the next one is served', async () => {
    const client = await connectUrl(`${bridge.url}/mcp`);
    try {
      const running = slowCall(client, 1000);
      await running.started;
      const abort = new AbortController();
      const cancelled = refusal(client.callTool({ name: 'echo', arguments: { text: 'never' } }, CallToolResultSchema, { signal: abort.signal }));
      await waitFor(async () => (await scrape(bridge.url)).value('mcp_bridge_queued_requests') === 1, { what: 'one request queued' });
      abort.abort('changed my mind');
      await waitFor(async () => (await scrape(bridge.url)).value('mcp_bridge_queued_requests') === 0, { what: 'the queue emptied' });
      assert.notEqual(await cancelled, 'answered');
      assert.match((await running.done).text, /waited 1000 ms/);
      assert.equal(firstText(await client.callTool({ name: 'echo', arguments: { text: 'after' } })), 'after');
    } finally {
      await client.close();
    }
  });
});

describe('gateway mode: per-server queues, the metrics server label and resident memory', { timeout: 120_000 }, () => {
  let dir: string;
  let bridge: RunningBridge;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-queue-'));
    const config = join(dir, 'mcp.json');
    const fixture = { command: process.execPath, args: [fixturePath('test-server')] };
    writeFileSync(config, JSON.stringify({ mcpServers: { heavy: fixture, light: fixture }, 'mcp-bridge': { servers: { heavy: { maxInFlight: 1, maxQueued: 0 } } } }));
    bridge = await startBridge(['--config', config]);
  });

  after(async () => {
    assert.equal(await bridge.stop(), 0);
    assert.deepEqual(bridge.children(), [], 'no server process is left');
    rmSync(dir, { recursive: true, force: true });
  });

  test('a server with maxInFlight 1 and no queue refuses a second concurrent call; the other server takes both', async () => {
    for (const [server, expected] of [['heavy', 'SERVER_BUSY'], ['light', 'answered']] as const) {
      const client = await connectUrl(`${bridge.url}/servers/${server}/mcp`);
      try {
        const running = slowCall(client, 500);
        await running.started;
        assert.equal(await refusal(client.callTool({ name: 'echo', arguments: { text: 'second' } })), expected, server);
        await running.done;
      } finally {
        await client.close();
      }
    }
  });

  test('metrics carry the server label, with each server sessions, children, messages and resident memory', async () => {
    const clients = await Promise.all(['heavy', 'light'].map((server) => connectUrl(`${bridge.url}/servers/${server}/mcp`)));
    try {
      await Promise.all(clients.map((client) => client.callTool({ name: 'echo', arguments: { text: 'hi' } })));
      const metrics = await scrape(bridge.url);
      for (const server of ['heavy', 'light']) {
        assert.ok(metrics.value('mcp_bridge_sessions', { server, transport: 'streamableHttp' }) >= 1, server);
        assert.ok(metrics.value('mcp_bridge_children', { server }) >= 1, server);
        assert.ok(metrics.value('mcp_bridge_messages_total', { server, direction: 'client_to_server', kind: 'request' }) >= 2, server);
        assert.ok(metrics.value('mcp_bridge_request_duration_seconds_count', { server, method: 'tools/call' }) >= 1, server);
        // A Node server process holds tens of MiB; 8 MiB rules out counting nothing or only a launcher.
        assert.ok(metrics.value('mcp_bridge_child_resident_bytes', { server }) > 8 * 1024 * 1024, `${server} resident memory`);
      }
      assert.equal(metrics.value('mcp_bridge_jsonrpc_errors_total', { server: 'light' }), 0);
      assert.ok(metrics.value('mcp_bridge_jsonrpc_errors_total', { server: 'heavy', source: 'bridge' }) >= 1, 'the SERVER_BUSY refusal is counted on its server');
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });
});
