/**
 * Fault injection, backpressure: clients that stop reading their stream are disconnected once their
 * session's backlog passes --maxSessionBufferBytes, a server that stops reading its stdin gets its
 * messages in order (or refused past the bound), and the bridge's memory stays bounded throughout.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertHealthyClientWorks, faultServer, rawRequest, withBridge } from '../helpers/faults.js';
import { callTool, messagesOf, openStreamableSession, post } from '../helpers/http.js';
import { isAlive } from '../helpers/processes.js';
import { StreamableRawClient } from '../helpers/rawClients.js';
import { waitFor } from '../helpers/wait.js';

const LIMIT = ['--maxSessionBufferBytes', '1MiB'];
// 64 MiB of notifications: far more than the loopback socket buffers plus the 1 MiB bound; unbounded
// buffering of it grows the bridge by about 100 MiB, bounded by about 20-30.
const FLOOD = { count: 640, bytes: 100 * 1024 };
const BOUNDED = { maxGrowthMiB: 48 };
const disconnected = /disconnected a client that stopped reading its stream/;

describe('a client that stops reading is disconnected; everyone else is fine and memory stays bounded', () => {
  test('legacy SSE: a stalled stream under a flood is cut, its session and child end, a healthy client still works', (t) =>
    withBridge([...LIMIT, ...faultServer()], async (bridge) => {
      const stalled = rawRequest(bridge.url, 'GET', '/sse', { Accept: 'text/event-stream' });
      const endpoint = await waitFor(() => /data: (\/message\?sessionId=[\w-]+)/.exec(stalled.received)?.[1], { what: 'the endpoint event' });
      stalled.stopReading();
      const child = await waitFor(() => bridge.children()[0], { what: 'the child' });
      assert.equal((await post(`${bridge.url}${endpoint}`, callTool(1, 'flood', FLOOD))).status, 202);
      await waitFor(() => disconnected.test(bridge.stderr()), { what: 'the disconnection', timeoutMs: 30_000 });
      await waitFor(() => !isAlive(child), { what: 'the stalled session child to end' });
      assert.equal((await post(`${bridge.url}${endpoint}`, callTool(2, 'echo'))).status, 404);
      await assertHealthyClientWorks(bridge.url);
      stalled.socket.destroy();
    }, { ...BOUNDED, t }));

  test('Streamable HTTP: a stalled POST stream under a flood is cut and its session closed, while a reading client gets its whole flood', (t) =>
    withBridge([...LIMIT, ...faultServer()], async (bridge) => {
      const { headers } = await openStreamableSession(bridge.url);
      const child = await waitFor(() => bridge.children()[0], { what: 'the child' });
      const reader = new StreamableRawClient(bridge.url);
      await reader.initialize(0);
      const stalled = rawRequest(bridge.url, 'POST', '/mcp', { ...headers, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' }, JSON.stringify(callTool(1, 'flood', FLOOD)));
      stalled.stopReading();
      // A reading client receives every notification of a smaller flood at the same time.
      const answer = await reader.request(1, 'tools/call', { name: 'flood', arguments: { count: 64, bytes: 8 * 1024 } });
      assert.deepEqual(answer.result, { content: [{ type: 'text', text: 'flooded 64' }] });
      assert.equal(reader.inbox.filter((m) => m.method === 'notifications/message').length, 64);
      await waitFor(() => disconnected.test(bridge.stderr()), { what: 'the disconnection', timeoutMs: 30_000 });
      await waitFor(() => !isAlive(child), { what: 'the stalled session child to end' });
      assert.equal((await post(`${bridge.url}/mcp`, callTool(2, 'echo'), headers)).status, 404);
      assert.deepEqual((await reader.request(2, 'ping')).result, {});
      assert.deepEqual(reader.problems, []);
      await reader.close();
      await assertHealthyClientWorks(bridge.url);
      stalled.socket.destroy();
    }, { ...BOUNDED, t }));

  test('Streamable HTTP: a stalled standalone GET stream under a flood is cut and its session closed', (t) =>
    withBridge([...LIMIT, ...faultServer()], async (bridge) => {
      const { headers } = await openStreamableSession(bridge.url);
      const child = await waitFor(() => bridge.children()[0], { what: 'the child' });
      const stalled = rawRequest(bridge.url, 'GET', '/mcp', { ...headers, Accept: 'text/event-stream' });
      await waitFor(() => stalled.received.includes(' 200 OK'), { what: 'the GET stream to open' });
      stalled.stopReading();
      // Answered first, so the flood has no request in flight to go with and takes the GET stream.
      const [answer] = await messagesOf(await post(`${bridge.url}/mcp`, callTool(1, 'flood', { ...FLOOD, afterAnswer: true }), headers));
      assert.deepEqual(answer!.result, { content: [{ type: 'text', text: `flooding ${FLOOD.count}` }] });
      await waitFor(() => disconnected.test(bridge.stderr()), { what: 'the disconnection', timeoutMs: 30_000 });
      await waitFor(() => !isAlive(child), { what: 'the stalled session child to end' });
      await assertHealthyClientWorks(bridge.url);
      stalled.socket.destroy();
    }, { ...BOUNDED, t }));
});

describe('a server that stops reading its stdin', () => {
  test('gets the waiting messages in order once it reads again', (t) =>
    withBridge(faultServer(), async (bridge) => {
      const { headers } = await openStreamableSession(bridge.url);
      const deaf = post(`${bridge.url}/mcp`, callTool('deaf', 'deaf', { ms: 400 }), headers);
      // 40 × 64 KiB: far more than a pipe holds, so most of it waits in the bridge.
      const text = 'e'.repeat(64 * 1024);
      const echoes = Array.from({ length: 40 }, (_, i) => post(`${bridge.url}/mcp`, callTool(i, 'echo', { text: `${i}:${text}` }), headers).then(messagesOf));
      assert.deepEqual((await messagesOf(await deaf))[0]!.result, { content: [{ type: 'text', text: 'listening again' }] });
      const answers = await Promise.all(echoes);
      answers.forEach(([answer], i) => assert.equal((answer!.result as { content: { text: string }[] }).content[0]!.text.split(':')[0], String(i)));
    }, { t }));

  test('past --maxSessionBufferBytes gets no more: each refused request is answered SERVER_BACKLOGGED, the rest normally', (t) =>
    withBridge(['--maxSessionBufferBytes', '256KiB', ...faultServer()], async (bridge) => {
      const { headers } = await openStreamableSession(bridge.url);
      const deaf = post(`${bridge.url}/mcp`, callTool('deaf', 'deaf', { ms: 1000 }), headers);
      const text = 'e'.repeat(64 * 1024);
      const answers = await Promise.all(
        Array.from({ length: 24 }, (_, i) => post(`${bridge.url}/mcp`, callTool(i, 'echo', { text }), headers).then(messagesOf)),
      );
      await deaf;
      const reasons = answers.map(([answer]) => (answer!.error as { data?: { reason: string } } | undefined)?.data?.reason ?? 'ok');
      assert.ok(reasons.includes('SERVER_BACKLOGGED'), reasons.join());
      assert.ok(reasons.includes('ok'), reasons.join());
      assert.ok(reasons.every((r) => r === 'ok' || r === 'SERVER_BACKLOGGED'), reasons.join());
      assert.match(bridge.stderr(), /not reading its input; refused a message/);
      await assertHealthyClientWorks(bridge.url);
    }, { t }));
});
