// The hot path (src/http/hotPath.ts): POSTs to an established session, served before express, refuse
// exactly what the express path refuses, and requests it does not take are served by express unchanged.
import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, test } from 'node:test';
import { bridgeForSuite } from '../helpers/bridge.js';
import { callTool, initializeRequest, messagesOf, post, SseReader, type LegacySseSession } from '../helpers/http.js';
import { scrape } from '../helpers/metrics.js';
import { fixtureCommand } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';

const KEY = 'hot-path-key';
const MAX_BODY = 4096;
const keyed = { authorization: `Bearer ${KEY}` };

async function jsonError(response: Response): Promise<{ status: number; code: number; reason: string; id: unknown }> {
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  const body = (await response.json()) as { id: unknown; error: { code: number; data?: { reason: string } } };
  return { status: response.status, code: body.error.code, reason: body.error.data?.reason ?? '', id: body.id };
}

/** Opens a Streamable HTTP session with the key; returns the headers its requests carry (the key not included). */
async function openStreamableSession(url: string): Promise<{ headers: Record<string, string> }> {
  const response = await post(`${url}/mcp`, initializeRequest(0), keyed);
  const sessionId = response.headers.get('mcp-session-id');
  await response.text();
  assert.ok(sessionId, `initialize answered ${response.status}`);
  const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' };
  assert.equal((await post(`${url}/mcp`, { jsonrpc: '2.0', method: 'notifications/initialized' }, { ...headers, ...keyed })).status, 202);
  return { headers };
}

/** Opens a legacy SSE session with the key and waits for its endpoint event. */
async function openLegacySseSession(url: string): Promise<LegacySseSession> {
  const controller = new AbortController();
  const response = await fetch(`${url}/sse`, { signal: controller.signal, headers: { accept: 'text/event-stream', ...keyed } });
  assert.equal(response.status, 200);
  const reader = new SseReader(response);
  const endpoint = await waitFor(() => reader.events.find((event) => event.event === 'endpoint'), { what: 'the endpoint event' });
  const postUrl = new URL(endpoint.data, url).href;
  return { reader, postUrl, sessionId: new URL(postUrl).searchParams.get('sessionId')!, close: () => controller.abort() };
}

/** POSTs `pieces` as one body with a Content-Length (or chunked, without one), written piece by piece. */
function rawPost(url: string, pieces: string[], headers: Record<string, string>, { chunked = false } = {}): Promise<{ status: number; text: string }> {
  const length = pieces.reduce((sum, piece) => sum + Buffer.byteLength(piece), 0);
  const all = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers, ...(!chunked && { 'content-length': String(length) }) };
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: all }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    const writeFrom = (index: number): void => {
      if (index === pieces.length) return void req.end();
      req.write(pieces[index]);
      setImmediate(() => writeFrom(index + 1));
    };
    writeFrom(0);
  });
}

for (const mode of ['shared', 'per-session'] as const) {
  describe(`the hot path (${mode} mode, API key, allowed origins, --maxBodyBytes ${MAX_BODY})`, () => {
    const bridge = bridgeForSuite([
      '--sessionMode', mode, '--apiKey', KEY, '--maxBodyBytes', String(MAX_BODY), '--allowedOrigins', 'http://good.example',
      '--stdio', fixtureCommand('fault-server'),
    ]);

    test('a call whose body arrives in several pieces, or chunked without a length, is answered on both transports', async () => {
      const { url } = bridge();
      const { headers } = await openStreamableSession(url);
      const body = JSON.stringify(callTool(5, 'echo', { text: 'pieces' }));
      const pieces = [body.slice(0, 10), body.slice(10, 30), body.slice(30)];
      for (const chunked of [false, true]) {
        const answer = await rawPost(`${url}/mcp`, pieces, { ...headers, ...keyed }, { chunked });
        assert.equal(answer.status, 200);
        assert.match(answer.text, /"id":5,"result":\{"content":\[\{"type":"text","text":"pieces"\}\]\}/);
      }
      const session = await openLegacySseSession(url);
      try {
        for (const [index, chunked] of [false, true].entries()) {
          const id = `legacy-${index}`;
          const legacyBody = JSON.stringify(callTool(id, 'echo', { text: id }));
          const accepted = await rawPost(session.postUrl, [legacyBody.slice(0, 7), legacyBody.slice(7)], keyed, { chunked });
          assert.equal(accepted.status, 202);
          const answer = await waitFor(() => session.reader.messages().find((m) => m.id === id), { what: 'the echo answer' });
          assert.deepEqual(answer.result, { content: [{ type: 'text', text: id }] });
        }
      } finally {
        session.close();
      }
    });

    test('bad JSON is answered 400 -32700 and JSON that is not JSON-RPC 400 -32600, counted as refusals, on both transports', async () => {
      const { url } = bridge();
      const before = await scrape(url, keyed);
      const { headers } = await openStreamableSession(url);
      const legacy = await openLegacySseSession(url);
      try {
        for (const target of [{ url: `${url}/mcp`, headers: { ...headers, ...keyed } }, { url: legacy.postUrl, headers: keyed }]) {
          assert.deepEqual(await jsonError(await post(target.url, '{"jsonrpc": "2.0", "id": 1,', target.headers)), { status: 400, code: -32700, reason: 'PARSE_ERROR', id: null });
          assert.deepEqual(await jsonError(await post(target.url, '{"hello": "world"}', target.headers)), { status: 400, code: -32600, reason: 'INVALID_REQUEST', id: null });
        }
      } finally {
        legacy.close();
      }
      const after = await scrape(url, keyed);
      const refused = (reason: string): number => after.value('mcp_bridge_http_rejected_total', { reason }) - before.value('mcp_bridge_http_rejected_total', { reason });
      assert.deepEqual([refused('PARSE_ERROR'), refused('INVALID_REQUEST')], [2, 2]);
    });

    test('a body over --maxBodyBytes is answered 413 with the id of the request in it', async () => {
      const { url } = bridge();
      const { headers } = await openStreamableSession(url);
      const big = { jsonrpc: '2.0', id: 'too-big', method: 'tools/call', params: { name: 'echo', arguments: { text: 'x'.repeat(MAX_BODY) } } };
      assert.deepEqual(await jsonError(await post(`${url}/mcp`, big, { ...headers, ...keyed })), { status: 413, code: -32000, reason: 'BODY_TOO_LARGE', id: 'too-big' });
    });

    test('a missing or wrong API key is answered 401 with a challenge; the key as Bearer or X-API-Key is served', async () => {
      const { url } = bridge();
      const { headers } = await openStreamableSession(url);
      const legacy = await openLegacySseSession(url);
      try {
        for (const target of [{ url: `${url}/mcp`, headers }, { url: legacy.postUrl, headers: {} }]) {
          for (const key of [{}, { authorization: 'Bearer wrong' }, { 'x-api-key': 'wrong' }] as Record<string, string>[]) {
            const response = await post(target.url, callTool(1, 'echo', { text: 'no' }), { ...target.headers, ...key });
            assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="mcp-bridge"');
            assert.deepEqual((await jsonError(response)).reason, 'UNAUTHORIZED');
          }
        }
        const [answer] = await messagesOf(await post(`${url}/mcp`, callTool(2, 'echo', { text: 'yes' }), { ...headers, 'x-api-key': KEY }));
        assert.deepEqual(answer?.result, { content: [{ type: 'text', text: 'yes' }] });
      } finally {
        legacy.close();
      }
    });

    test('an unknown session is answered 404, a foreign Origin 403 and a charset other than UTF-8 415; a UTF-8 byte order mark is read', async () => {
      const { url } = bridge();
      const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
      const unknown = crypto.randomUUID();
      assert.equal((await jsonError(await post(`${url}/mcp`, ping, { ...keyed, 'mcp-session-id': unknown }))).reason, 'SESSION_NOT_FOUND');
      assert.equal((await jsonError(await post(`${url}/message?sessionId=${unknown}`, ping, keyed))).reason, 'SESSION_NOT_FOUND');
      const { headers } = await openStreamableSession(url);
      const all = { ...headers, ...keyed };
      assert.equal((await jsonError(await post(`${url}/mcp`, ping, { ...all, origin: 'http://evil.example' }))).reason, 'ORIGIN_FORBIDDEN');
      assert.equal((await jsonError(await post(`${url}/mcp`, ping, { ...all, 'content-type': 'application/json; charset=latin1' }))).status, 415);
      const [answer] = await messagesOf(await post(`${url}/mcp`, `\ufeff${JSON.stringify(callTool(3, 'echo', { text: 'bom' }))}`, { ...all, 'content-type': 'application/json; charset=utf-8' }));
      assert.deepEqual(answer?.result, { content: [{ type: 'text', text: 'bom' }] });
    });
  });
}

describe('the hot path for event-stream GETs and initialize POSTs (shared mode, API key, --maxSessions 1)', () => {
  const bridge = bridgeForSuite(['--sessionMode', 'shared', '--apiKey', KEY, '--maxSessions', '1', '--stdio', fixtureCommand('fault-server')]);

  test('they are refused as on express: without the key 401, an unknown session 404, past --maxSessions 503, each counted', async () => {
    const { url } = bridge();
    const before = await scrape(url, keyed);
    const stream = { accept: 'text/event-stream' };
    assert.equal((await jsonError(await fetch(`${url}/sse`, { headers: stream }))).reason, 'UNAUTHORIZED');
    assert.equal((await jsonError(await post(`${url}/mcp`, initializeRequest(0)))).reason, 'UNAUTHORIZED');
    const unknown = await fetch(`${url}/mcp`, { headers: { ...stream, ...keyed, 'mcp-session-id': crypto.randomUUID() } });
    assert.equal((await jsonError(unknown)).reason, 'SESSION_NOT_FOUND');
    const { headers } = await openStreamableSession(url);
    // The session's own GET stream opens; a second session, by either transport, is one too many.
    const controller = new AbortController();
    const own = await fetch(`${url}/mcp`, { headers: { ...stream, ...keyed, ...headers }, signal: controller.signal });
    try {
      assert.equal(own.status, 200);
      assert.match(own.headers.get('content-type') ?? '', /text\/event-stream/);
      const full = await jsonError(await post(`${url}/mcp`, initializeRequest(1), keyed));
      assert.deepEqual([full.status, full.reason], [503, 'TOO_MANY_SESSIONS']);
      const fullSse = await fetch(`${url}/sse`, { headers: { ...stream, ...keyed } });
      assert.deepEqual([fullSse.status, (await jsonError(fullSse)).reason], [503, 'TOO_MANY_SESSIONS']);
    } finally {
      controller.abort();
    }
    const after = await scrape(url, keyed);
    const refused = (reason: string): number => after.value('mcp_bridge_http_rejected_total', { reason }) - before.value('mcp_bridge_http_rejected_total', { reason });
    assert.deepEqual([refused('UNAUTHORIZED'), refused('SESSION_NOT_FOUND'), refused('TOO_MANY_SESSIONS')], [2, 1, 2]);
  });
});
