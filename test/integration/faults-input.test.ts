/**
 * Fault injection, hostile input: 1,000 fuzzed POST bodies (seeded, so a failure replays) and forged
 * session ids. Every answer is JSON (or a 202 / an SSE stream of JSON), never HTML or a stack trace;
 * the sessions used keep working and the bridge's memory stays bounded. The fixed bad-input cases
 * live in forward-bad-input.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertHealthyClientWorks, faultServer, withBridge } from '../helpers/faults.js';
import { callTool, messagesOf, openLegacySseSession, openStreamableSession, post } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const SEED = 0x5eed;
const BODIES = 1000;
const PARALLEL = 8;

/** mulberry32: a tiny seeded PRNG, so every run sends the same bodies. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function fuzzBodies(count: number, random: () => number): string[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const bytes = (n: number): string => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256))).toString('latin1');
  const nest = (depth: number, open: string, close: string, inner = '1'): string => open.repeat(depth) + inner + close.repeat(depth);
  const odd = [null, true, 0, -1, 1e308, -0, 2 ** 64, '', 'x'.repeat(10_000), [], {}, [1, [2]], { a: { b: {} } }] as const;
  const methods = ['ping', 'tools/list', 'tools/call', 'initialize', 'notifications/cancelled', 'resources/read', 'x'.repeat(300), '\u0000', 'é☃'];
  const shapes: (() => string)[] = [
    () => bytes(1 + Math.floor(random() * 200)),
    () => JSON.stringify({ jsonrpc: pick(['2.0', '2.0', 2, '1.0', null]), id: pick(odd), method: pick([...methods, ...odd]), params: pick(odd) }),
    () => JSON.stringify({ jsonrpc: '2.0', id: pick([1e308, -1e308, 2 ** 53 + 1, 'i'.repeat(5000), 0.5, -7]), method: pick(['ping', 'tools/list']) }),
    () => JSON.stringify({ jsonrpc: '2.0', id: Math.floor(random() * 1e9), method: 'tools/call', params: { name: pick(['echo', 'nope', '']), arguments: pick(odd) } }),
    () => JSON.stringify({ jsonrpc: '2.0', id: pick([null, 3]), result: pick(odd), error: pick([undefined, { code: 'x' }, { code: 1, message: 'm' }]) }),
    () => nest(1 + Math.floor(random() * 100_000), '[', ']'),
    () => `{"jsonrpc":"2.0","id":1,"method":"ping","params":${nest(1 + Math.floor(random() * 50_000), '{"a":', '}', '{}')}}`,
    () => JSON.stringify(Array.from({ length: 1 + Math.floor(random() * 50) }, () => ({ jsonrpc: '2.0', id: Math.floor(random() * 100), method: pick(methods) }))),
    () => JSON.stringify({ jsonrpc: '2.0', method: pick(methods), params: pick(odd) }).slice(0, Math.floor(random() * 40)),
    () => pick(['', ' ', 'null', '"string"', '[[]]', '{}', '\ufeff{}', '[{"jsonrpc":"2.0"}]']),
  ];
  return Array.from({ length: count }, () => pick(shapes)());
}

/** Checks one answer is JSON (or an accepted 202, or an SSE stream of JSON), never HTML or a 5xx. */
async function assertJsonAnswer(response: Response, body: string): Promise<void> {
  const type = response.headers.get('content-type') ?? '';
  const text = await response.text();
  const where = `${response.status} ${type} for body ${JSON.stringify(body.slice(0, 120))}: ${text.slice(0, 200)}`;
  assert.ok(response.status < 500, where);
  assert.doesNotMatch(text, /<html|<!DOCTYPE|at .*\.js:\d+/i, where);
  if (response.status === 202) return;
  if (type.includes('text/event-stream')) {
    for (const line of text.split('\n').filter((l) => l.startsWith('data:') && l.slice(5).trim())) JSON.parse(line.slice(5));
    return;
  }
  assert.match(type, /application\/json/, where);
  JSON.parse(text);
}

/**
 * Sends `bodies` `parallel` at a time. Requests on one Streamable HTTP session go one at a time:
 * fuzzed ids collide, and a client that reuses an id still in flight cannot expect both answers.
 */
async function sendAll(bodies: string[], send: (body: string) => Promise<Response>, parallel = PARALLEL): Promise<void> {
  const queue = [...bodies.entries()];
  const deadline = Date.now() + 40_000;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        assert.ok(Date.now() < deadline, 'the fuzz run took longer than 40 s');
        await assertJsonAnswer(await send(next[1]), next[1]);
      }
    }),
  );
}

describe('fuzzed bodies and forged session ids', () => {
  test(`${BODIES} fuzzed POST bodies to /mcp and /message each get a JSON answer, and both sessions keep working`, (t) =>
    withBridge(faultServer(), async (bridge) => {
      const bodies = fuzzBodies(BODIES, prng(SEED));
      const streamable = await openStreamableSession(bridge.url);
      const legacy = await openLegacySseSession(bridge.url);
      try {
        const half = BODIES / 2;
        await sendAll(bodies.slice(0, half / 2), (body) => post(`${bridge.url}/mcp`, body));
        await sendAll(bodies.slice(half / 2, half), (body) => post(`${bridge.url}/mcp`, body, streamable.headers), 1);
        await sendAll(bodies.slice(half), (body) => post(legacy.postUrl, body));
        const [answer] = await messagesOf(await post(`${bridge.url}/mcp`, callTool('after', 'echo', { text: 'ok' }), streamable.headers));
        assert.deepEqual(answer!.result, { content: [{ type: 'text', text: 'ok' }] });
        assert.equal((await post(legacy.postUrl, callTool('after', 'echo', { text: 'ok' }))).status, 202);
        await waitFor(() => legacy.reader.messages().find((m) => m.id === 'after'), { what: 'the legacy echo' });
        assert.equal(legacy.reader.closed, false);
        assert.doesNotMatch(bridge.stderr(), /uncaught exception|unhandled rejection/);
        t.diagnostic(`sessions opened by fuzzed initialize requests: ${bridge.stderr().match(/session opened/g)!.length - 2}`);
      } finally {
        legacy.close();
      }
      await assertHealthyClientWorks(bridge.url);
      // Parsing 100,000-deep bodies and the event stores of the sessions it opened grow the heap once.
    }, { t, maxGrowthMiB: 96 }));

  test('unknown, ended, foreign, re-cased, over-long and doubled session ids are refused with JSON 400/404 on every method', (t) =>
    withBridge(faultServer(), async (bridge) => {
      const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
      const live = await openStreamableSession(bridge.url);
      const ended = await openStreamableSession(bridge.url);
      assert.equal((await fetch(`${bridge.url}/mcp`, { method: 'DELETE', headers: ended.headers })).status, 200);
      const legacy = await openLegacySseSession(bridge.url);
      try {
        const forged: [string, string | string[], number][] = [
          ['unknown', crypto.randomUUID(), 404],
          ['ended', ended.sessionId, 404],
          ['a legacy session', legacy.sessionId, 404],
          ['re-cased', live.sessionId.toUpperCase(), 404],
          ['path-like', `../${live.sessionId}`, 404],
          ['over-long', 'a'.repeat(257), 400],
          ['doubled', [live.sessionId, live.sessionId], 400],
        ];
        for (const [what, id, status] of forged) {
          const headers = new Headers({ 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' });
          for (const value of [id].flat()) headers.append('mcp-session-id', value);
          for (const method of ['POST', 'GET', 'DELETE']) {
            const response = await fetch(`${bridge.url}/mcp`, { method, headers, body: method === 'POST' ? JSON.stringify(ping) : undefined });
            assert.equal(response.status, status, `${method} with ${what} id`);
            await assertJsonAnswer(response, what);
          }
        }
        for (const id of [live.sessionId, crypto.randomUUID(), `${legacy.sessionId}x`]) {
          const response = await post(`${bridge.url}/message?sessionId=${encodeURIComponent(id)}`, ping);
          assert.equal(response.status, 404);
          await assertJsonAnswer(response, id);
        }
        // Neither real session was harmed by the forgeries.
        const [answer] = await messagesOf(await post(`${bridge.url}/mcp`, callTool(2, 'echo', { text: 'mine' }), live.headers));
        assert.deepEqual(answer!.result, { content: [{ type: 'text', text: 'mine' }] });
        assert.equal(legacy.reader.closed, false);
      } finally {
        legacy.close();
      }
    }, { t }));
});
