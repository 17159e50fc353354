/**
 * Children's lives in the session modes: a shared child that crashes under load fails only its own requests in
 * flight, each exactly once, and comes back; `--pool 2` spreads requests over two children; `--prespawn` hands a new
 * session a child spawned ahead of time, and every prespawned child is gone after shutdown.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { scrape } from '../helpers/metrics.js';
import { fixtureCommand } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { connectClient } from '../helpers/sdkClients.js';
import { SseRawClient, StreamableRawClient, type JsonRpcMessage, type RawClient } from '../helpers/rawClients.js';
import { waitFor } from '../helpers/wait.js';

async function openRaw(url: string, index: number): Promise<RawClient> {
  const client = index % 2 === 0 ? new StreamableRawClient(url) : new SseRawClient(url);
  if (client instanceof SseRawClient) await client.connect();
  await client.initialize(0, `client-${index}`);
  return client;
}

function slowCall(id: number | string, ms: number): JsonRpcMessage {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'slow', arguments: { ms, steps: 1 } } };
}

function pidIn(answer: JsonRpcMessage | undefined): number | undefined {
  return (answer?.result?.structuredContent as { pid?: number } | undefined)?.pid;
}

async function stopAndCheck(bridge: RunningBridge, family: number[]): Promise<void> {
  assert.equal(await bridge.stop(), 0, `bridge exit code; stderr:\n${bridge.stderr()}`);
  await waitFor(() => family.every((pid) => !isAlive(pid)), { what: `every child (${family.join(' ')}) to be gone` });
}

describe('--sessionMode shared --pool 2', { timeout: 180_000 }, () => {
  let bridge: RunningBridge;
  const clients: RawClient[] = [];
  const everyPid = new Set<number>();

  before(async () => {
    bridge = await startBridge(['--sessionMode', 'shared', '--pool', '2', '--stdio', fixtureCommand('test-server')]);
    await waitFor(() => bridge.children().length === 2, { what: 'two shared children' });
    // Spawned is not ready: a child still initializing gets no requests, which would unbalance the spread checked below.
    await waitFor(() => bridge.stderr().match(/shared MCP server ready/g)?.length === 2, { what: 'both shared children initialized' });
    bridge.children().forEach((pid) => everyPid.add(pid));
    for (let i = 0; i < 8; i++) clients.push(await openRaw(bridge.url, i));
  });

  after(async () => {
    await Promise.allSettled(clients.map((client) => client.close()));
    bridge.children().forEach((pid) => everyPid.add(pid));
    await stopAndCheck(bridge, [...everyPid]);
  });

  test('requests sent at once are spread over both children, and /metrics shows two children with their requests in flight', async () => {
    const answers = clients.map((client, i) => client.request(10, 'tools/call', { name: 'slow', arguments: { ms: 1500, steps: 1 } }).then((a) => [i, a] as const));
    await waitFor(async () => (await scrape(bridge.url)).value('mcp_bridge_child_in_flight') === 8, { what: '8 requests in flight' });
    const metrics = await scrape(bridge.url);
    assert.equal(metrics.value('mcp_bridge_children'), 2);
    assert.equal(metrics.value('mcp_bridge_child_in_flight', { child: '0' }), 4, 'the least loaded child takes each next request');
    assert.equal(metrics.value('mcp_bridge_child_in_flight', { child: '1' }), 4);
    const pids = new Set((await Promise.all(answers)).map(([, answer]) => pidIn(answer)));
    assert.equal(pids.size, 2, `answers came from two children: ${[...pids].join(' ')}`);
  });

  test('a child that crashes under load fails only its own requests in flight, each exactly once; the other child is untouched and the next request after the restart works', async () => {
    const before = bridge.children();
    // Eight slow requests, four on each child, then a crash on the (tied) first child.
    await Promise.all(clients.map((client) => client.send(slowCall(20, 2000))));
    await waitFor(async () => (await scrape(bridge.url)).value('mcp_bridge_child_in_flight') === 8, { what: '8 requests in flight' });
    const crash = await clients[0]!.request(21, 'tools/call', { name: 'crash', arguments: {} });
    assert.equal(crash.error?.code !== undefined, true, `the crash request gets an error: ${JSON.stringify(crash)}`);
    const answers = await Promise.all(clients.map((client) => client.waitForMessage((m) => m.id === 20 && !m.method, 'the slow answer')));
    const failed = answers.filter((a) => a.error);
    const succeeded = answers.filter((a) => a.result);
    assert.equal(failed.length, 4, `the crashed child's four requests fail: ${JSON.stringify(answers)}`);
    assert.equal(succeeded.length, 4, 'the other child\'s four requests succeed');
    const survivor = pidIn(succeeded[0])!;
    assert.ok(succeeded.every((a) => pidIn(a) === survivor) && isAlive(survivor), 'the survivor kept running');
    for (const a of failed) assert.match(a.error!.message, /exited/i);
    await waitFor(() => bridge.children().length === 2 && bridge.children().some((pid) => !before.includes(pid)), { what: 'the crashed child to be restarted' });
    bridge.children().forEach((pid) => everyPid.add(pid));
    const again = await Promise.all(clients.map((client) => client.request(22, 'tools/call', { name: 'echo', arguments: { text: 'again' } })));
    assert.ok(again.every((a) => a.result), 'requests after the restart work');
    for (const client of clients) {
      assert.equal(client.responses().filter((m) => m.id === 20).length, 1, 'exactly one answer per request');
      assert.deepEqual(client.problems, []);
    }
    assert.equal((await scrape(bridge.url)).value('mcp_bridge_child_restarts_total'), 1);
  });
});

describe('--prespawn 2 (per-session mode)', { timeout: 120_000 }, () => {
  let bridge: RunningBridge;
  before(async () => {
    bridge = await startBridge(['--prespawn', '2', '--stdio', fixtureCommand('test-server')]);
  });
  after(async () => {
    if (bridge.proc.exitCode === null) await bridge.stop();
  });

  test('a new session is served by a child spawned before it, the pool is refilled, and every child is gone after shutdown', async () => {
    const prespawned = await waitFor(() => (bridge.children().length === 2 ? bridge.children() : undefined), { what: 'two prespawned children' });
    const client = await connectClient(bridge.url, 'streamable-http');
    const pid = Number(/pid (\d+)/.exec(client.client.getInstructions() ?? '')?.[1]);
    assert.ok(prespawned.includes(pid), `the session's child ${pid} is one of the prespawned ${prespawned.join(' ')}`);
    await waitFor(() => bridge.children().length === 3, { what: 'the pool to be refilled to two idle children' });
    const family = bridge.children();
    await client.close();
    await stopAndCheck(bridge, family);
  });
});
