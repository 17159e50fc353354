import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { callTool, initializeRequest, messagesOf, openStreamableSession, post } from '../helpers/http.js';
import { scrape } from '../helpers/metrics.js';
import { fixtureCommand, fixturePath } from '../helpers/paths.js';
import { isAlive, unspawnableCommand } from '../helpers/processes.js';
import { connectClient } from '../helpers/sdkClients.js';
import { waitFor } from '../helpers/wait.js';

/** Runs `body` against a fresh bridge and always stops it, checking that no process is left. */
async function withBridge(args: string[], body: (bridge: RunningBridge) => Promise<void>): Promise<void> {
  const bridge = await startBridge(args);
  try {
    await body(bridge);
  } finally {
    const family = bridge.children();
    assert.equal(await bridge.stop(), 0);
    await waitFor(() => family.every((pid) => !isAlive(pid)), { what: 'every child to be gone' });
  }
}

/** Polls /metrics until `metric` (summed over series matching `labels`) equals `expected`. */
async function metricReaches(url: string, metric: string, expected: number, labels: Record<string, string> = {}): Promise<void> {
  await waitFor(async () => (await scrape(url)).value(metric, labels) === expected, { what: `${metric}${JSON.stringify(labels)} to be ${expected}` });
}

/** A raw POST with a Host header of our choosing (fetch does not let a caller set Host). */
function postWithHost(url: string, host: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { host, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('GET /metrics counts sessions, children, messages, bytes, latency and errors', () => {
  let bridge: RunningBridge;
  before(async () => {
    bridge = await startBridge(['--maxBodyBytes', '1KiB', '--stdio', fixtureCommand('test-server')]);
  });
  after(async () => {
    const family = bridge.children();
    assert.equal(await bridge.stop(), 0);
    await waitFor(() => family.every((pid) => !isAlive(pid)), { what: 'every child to be gone' });
  });

  test('sessions and children go up with SDK clients on both transports and back to 0 after they close', async () => {
    const streamable = await connectClient(bridge.url, 'streamable-http');
    const sse = await connectClient(bridge.url, 'sse');
    try {
      let metrics = await scrape(bridge.url);
      assert.equal(metrics.value('mcp_bridge_sessions', { transport: 'streamableHttp' }), 1);
      assert.equal(metrics.value('mcp_bridge_sessions', { transport: 'sse' }), 1);
      assert.equal(metrics.value('mcp_bridge_children'), 2);
      assert.equal(metrics.value('mcp_bridge_child_starts_total'), 2);
      await streamable.client.callTool({ name: 'echo', arguments: { text: 'one' } });
      await sse.client.callTool({ name: 'echo', arguments: { text: 'two' } });
      metrics = await scrape(bridge.url);
      assert.equal(metrics.value('mcp_bridge_request_duration_seconds_count', { method: 'tools/call' }), 2);
      assert.ok(metrics.value('mcp_bridge_request_duration_seconds_sum', { method: 'tools/call' }) > 0);
      assert.equal(metrics.value('mcp_bridge_request_duration_seconds_count', { method: 'initialize' }), 2);
      // initialize + notifications/initialized + tools/call on each session, at least.
      assert.ok(metrics.value('mcp_bridge_messages_total', { direction: 'client_to_server', kind: 'request' }) >= 4);
      assert.ok(metrics.value('mcp_bridge_messages_total', { direction: 'client_to_server', kind: 'notification' }) >= 2);
      assert.ok(metrics.value('mcp_bridge_messages_total', { direction: 'server_to_client', kind: 'response' }) >= 4);
      assert.ok(metrics.value('mcp_bridge_bytes_total', { direction: 'client_to_server' }) > 100);
      assert.ok(metrics.value('mcp_bridge_bytes_total', { direction: 'server_to_client' }) > 100);
      assert.ok(metrics.value('process_cpu_seconds_total') > 0, 'default process metrics are included');
    } finally {
      await streamable.close();
      await sse.close();
    }
    await metricReaches(bridge.url, 'mcp_bridge_sessions', 0);
    await metricReaches(bridge.url, 'mcp_bridge_children', 0);
    const metrics = await scrape(bridge.url);
    // Stopped by the bridge with SIGTERM, or exited 0 on stdin EOF before the signal landed.
    assert.equal(metrics.value('mcp_bridge_child_exits_total'), 2);
    assert.equal(metrics.value('mcp_bridge_child_start_failures_total'), 0);
  });

  test('a crash mid-call counts a bridge JSON-RPC error and a child exit with code 1; a server error is counted by its code', async () => {
    const { headers } = await openStreamableSession(bridge.url);
    const [unknown] = await messagesOf(await post(`${bridge.url}/mcp`, { jsonrpc: '2.0', id: 1, method: 'no/such/method' }, headers));
    assert.equal((unknown!.error as { code: number }).code, -32601);
    const [crashed] = await messagesOf(await post(`${bridge.url}/mcp`, callTool(2, 'crash'), headers));
    assert.equal((crashed!.error as { code: number }).code, -32000);
    await metricReaches(bridge.url, 'mcp_bridge_child_exits_total', 1, { code: '1' });
    const metrics = await scrape(bridge.url);
    assert.equal(metrics.value('mcp_bridge_jsonrpc_errors_total', { source: 'server', code: '-32601' }), 1);
    assert.equal(metrics.value('mcp_bridge_jsonrpc_errors_total', { source: 'bridge', code: '-32000' }), 1);
    // Unknown methods share one label value, so clients cannot grow the registry.
    assert.equal(metrics.value('mcp_bridge_request_duration_seconds_count', { method: 'other' }), 1);
    assert.equal(metrics.value('mcp_bridge_child_start_failures_total'), 0, 'a crash after answering is not a failed start');
  });

  test('refused HTTP requests are counted by reason: Host, size, parse, unknown session', async () => {
    const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    assert.equal(await postWithHost(`${bridge.url}/mcp`, 'evil.example', ping), 403);
    assert.equal((await post(`${bridge.url}/mcp`, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(4096) } }))).status, 413);
    assert.equal((await post(`${bridge.url}/mcp`, '{not json')).status, 400);
    assert.equal((await post(`${bridge.url}/mcp`, ping, { 'mcp-session-id': 'no-such-session' })).status, 404);
    assert.equal((await fetch(`${bridge.url}/readyz`)).status, 200);
    const metrics = await scrape(bridge.url);
    for (const reason of ['HOST_FORBIDDEN', 'BODY_TOO_LARGE', 'PARSE_ERROR', 'SESSION_NOT_FOUND']) {
      assert.equal(metrics.value('mcp_bridge_http_rejected_total', { reason }), 1, reason);
    }
  });
});

describe('/readyz reports whether MCP servers can be started; /healthz stays a liveness probe', () => {
  // --no-headStart: only the sessions' own starts are counted here (a child spawned at launch would be one more).
  test('a command that cannot be spawned (ENOENT) turns /readyz to 503 with a reason at its first failed start; /healthz stays 200', () =>
    withBridge(['--no-headStart', '--stdio', `${unspawnableCommand} --flag`], async (bridge) => {
      assert.equal((await fetch(`${bridge.url}/readyz`)).status, 200, 'ready before any start');
      assert.equal((await post(`${bridge.url}/mcp`, initializeRequest(1))).status, 502);
      const ready = await fetch(`${bridge.url}/readyz`);
      assert.equal(ready.status, 503);
      const body = (await ready.json()) as { status: string; reason: string };
      assert.equal(body.status, 'not ready');
      assert.match(body.reason, /command cannot be run.*ENOENT/);
      assert.equal((await fetch(`${bridge.url}/healthz`)).status, 200);
      const metrics = await scrape(bridge.url);
      assert.equal(metrics.value('mcp_bridge_child_start_failures_total'), 1);
      assert.equal(metrics.value('mcp_bridge_child_starts_total'), 0);
      assert.equal(metrics.value('mcp_bridge_ready'), 0);
      assert.equal(metrics.value('mcp_bridge_http_rejected_total', { reason: 'CHILD_START_FAILED' }), 1);
    }));

  test('servers that exit before their first message are failed starts; one that answers makes the bridge ready again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-ready-'));
    const flag = join(dir, 'may-start');
    // Exits 7 until the flag file exists, then runs the real test server.
    const command = `test -e ${JSON.stringify(flag)} || exit 7; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(fixturePath('test-server'))}`;
    try {
      await withBridge(['--no-headStart', '--shell', '--stdio', command], async (bridge) => {
        for (let id = 1; id <= 3; id++) {
          const [answer] = await messagesOf(await post(`${bridge.url}/mcp`, initializeRequest(id)));
          assert.ok(answer!.error, 'initialize fails while the server exits at once');
        }
        await metricReaches(bridge.url, 'mcp_bridge_child_exits_total', 3, { code: '7' });
        assert.equal((await fetch(`${bridge.url}/readyz`)).status, 503);
        assert.equal((await scrape(bridge.url)).value('mcp_bridge_child_start_failures_total'), 3);
        writeFileSync(flag, '');
        const session = await openStreamableSession(bridge.url);
        assert.ok(session.sessionId);
        assert.equal((await fetch(`${bridge.url}/readyz`)).status, 200);
        assert.equal((await scrape(bridge.url)).value('mcp_bridge_ready'), 1);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('refused API keys are counted, and /metrics itself needs the key', async () => {
  await withBridge(['--apiKey', 'metrics-key', '--stdio', fixtureCommand('test-server')], async (bridge) => {
    const auth = { authorization: 'Bearer metrics-key' };
    assert.equal((await fetch(`${bridge.url}/mcp`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    assert.equal((await fetch(`${bridge.url}/metrics`)).status, 401);
    await waitFor(async () => (await scrape(bridge.url, auth)).value('mcp_bridge_http_rejected_total', { reason: 'UNAUTHORIZED' }) === 2, {
      what: 'two refusals counted as UNAUTHORIZED',
    });
  });
});
