import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bridgeForSuite, startBridge, type RunningBridge } from '../helpers/bridge.js';
import { callTool, messagesOf, openLegacySseSession, openStreamableSession, post } from '../helpers/http.js';
import { fixtureCommand } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';

const MAX_BODY = 64 * 1024;

async function jsonError(response: Response): Promise<{ status: number; code: number; reason: string }> {
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  const body = (await response.json()) as { error: { code: number; data?: { reason: string } } };
  return { status: response.status, code: body.error.code, reason: body.error.data?.reason ?? '' };
}

describe('bad input gets a clear JSON error and the session keeps working', () => {
  let bridge: RunningBridge;
  before(async () => {
    bridge = await startBridge(['--maxBodyBytes', String(MAX_BODY), '--stdio', fixtureCommand('fault-server')]);
  });
  after(async () => {
    assert.equal(await bridge.stop(), 0);
    assert.deepEqual(bridge.children(), []);
  });

  const badBodies: [string, string, number, number][] = [
    ['invalid JSON', '{"jsonrpc": "2.0", "id": 1,', 400, -32700],
    ['an empty body', '', 400, -32700],
    ['JSON that is not JSON-RPC', '{"hello": "world"}', 400, -32600],
    ['a JSON-RPC message with a wrong version', '{"jsonrpc": "1.0", "id": 1, "method": "ping"}', 400, -32600],
    ['a bare number', '42', 400, -32600],
    ['an empty batch', '[]', 400, -32600],
    ['an oversized body', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(MAX_BODY) } }), 413, -32000],
  ];

  for (const [what, body, status, code] of badBodies) {
    test(`Streamable HTTP: ${what} → ${status} ${code}, then a good request on the same session succeeds`, async () => {
      const { headers } = await openStreamableSession(bridge.url);
      const error = await jsonError(await post(`${bridge.url}/mcp`, body, headers));
      assert.deepEqual([error.status, error.code], [status, code]);
      const [answer] = await messagesOf(await post(`${bridge.url}/mcp`, callTool(7, 'echo', { text: 'still here' }), headers));
      assert.deepEqual(answer, { jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: 'still here' }] } });
    });

    test(`legacy SSE: ${what} → ${status} ${code}, then a good request on the same session succeeds`, async () => {
      const session = await openLegacySseSession(bridge.url);
      try {
        const error = await jsonError(await post(session.postUrl, body));
        assert.deepEqual([error.status, error.code], [status, code]);
        assert.equal((await post(session.postUrl, callTool('s', 'echo', { text: 'still here' }))).status, 202);
        const answer = await waitFor(() => session.reader.messages().find((m) => m.id === 's'), { what: 'the echo answer' });
        assert.deepEqual(answer.result, { content: [{ type: 'text', text: 'still here' }] });
      } finally {
        session.close();
      }
    });
  }

  test('session ids: missing → 400, malformed → 400, unknown → 404, on both transports', async () => {
    const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
    assert.equal((await jsonError(await post(`${bridge.url}/mcp`, ping))).status, 400);
    assert.equal((await jsonError(await post(`${bridge.url}/mcp`, ping, { 'mcp-session-id': 'bad id\u00e9' }))).status, 400);
    assert.equal((await jsonError(await post(`${bridge.url}/mcp`, ping, { 'mcp-session-id': crypto.randomUUID() }))).status, 404);
    assert.equal((await jsonError(await post(`${bridge.url}/message`, ping))).status, 400);
    assert.equal((await jsonError(await post(`${bridge.url}/message?sessionId=%20bad`, ping))).status, 400);
    assert.equal((await jsonError(await post(`${bridge.url}/message?sessionId=${crypto.randomUUID()}`, ping))).status, 404);
    const legacy = await openLegacySseSession(bridge.url);
    try {
      // A legacy session id is not a Streamable HTTP session, and the reverse.
      const reason = (await jsonError(await post(`${bridge.url}/mcp`, ping, { 'mcp-session-id': legacy.sessionId }))).reason;
      assert.equal(reason, 'SESSION_NOT_FOUND');
    } finally {
      legacy.close();
    }
  });

  test('the Python SDK spelling session_id is accepted on the message endpoint', async () => {
    const session = await openLegacySseSession(bridge.url);
    try {
      const url = `${bridge.url}/message?session_id=${session.sessionId}`;
      assert.equal((await post(url, callTool(1, 'echo', { text: 'py' }))).status, 202);
      await waitFor(() => session.reader.messages().find((m) => m.id === 1), { what: 'the answer' });
    } finally {
      session.close();
    }
  });

  test('unknown paths and wrong methods answer JSON, never HTML', async () => {
    for (const [method, path, status] of [['GET', '/nowhere', 404], ['PUT', '/mcp', 405], ['GET', '/message', 405], ['POST', '/sse', 405]] as const) {
      const response = await fetch(`${bridge.url}${path}`, { method });
      assert.equal(response.status, status, `${method} ${path}`);
      assert.match(response.headers.get('content-type') ?? '', /application\/json/);
      assert.doesNotMatch(await response.text(), /<html|at .*\.js:\d+/i);
    }
  });

  test('health and readiness probes answer JSON', async () => {
    assert.deepEqual(await (await fetch(`${bridge.url}/healthz`)).json(), { status: 'ok' });
    const ready = await fetch(`${bridge.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(((await ready.json()) as { status: string }).status, 'ready');
  });

  test('a foreign Host or Origin is refused with 403 (DNS-rebinding protection on loopback)', async () => {
    const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${bridge.url}/mcp`, { method: 'POST', headers: { host: 'evil.example:80', 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(JSON.stringify(ping));
    });
    assert.equal(status, 403);
    assert.equal((await post(`${bridge.url}/mcp`, ping, { origin: 'http://evil.example' })).status, 403);
    assert.equal((await fetch(`${bridge.url}/sse`, { headers: { origin: 'http://evil.example' } })).status, 403);
    // A page served from loopback is fine.
    assert.notEqual((await post(`${bridge.url}/mcp`, ping, { origin: 'http://localhost:3000' })).status, 403);
  });
});

describe('a request id still in flight cannot be reused in the same session', () => {
  const running = bridgeForSuite(['--stdio', fixtureCommand('test-server')]);

  test('Streamable HTTP: the second request gets 409 DUPLICATE_REQUEST_ID and the first still gets its one answer', async () => {
    const bridge = running();
    const { headers } = await openStreamableSession(bridge.url);
    const first = post(`${bridge.url}/mcp`, callTool(5, 'slow', { ms: 1_500 }), headers);
    const response = await first;
    const duplicate = await jsonError(await post(`${bridge.url}/mcp`, callTool(5, 'echo', { text: 'again' }), headers));
    assert.deepEqual([duplicate.status, duplicate.reason], [409, 'DUPLICATE_REQUEST_ID']);
    const answers = await messagesOf(response);
    const fives = answers.filter((m) => m.id === 5);
    assert.equal(fives.length, 1, 'exactly one answer to the first request');
    assert.match(JSON.stringify(fives[0]?.result), /waited 1500 ms/);
    const [again] = await messagesOf(await post(`${bridge.url}/mcp`, callTool(5, 'echo', { text: 'now free' }), headers));
    assert.equal(JSON.stringify(again?.result).includes('now free'), true, 'the id can be used once answered');
  });

  test('legacy SSE: the second request gets 409 DUPLICATE_REQUEST_ID and the first still gets its one answer', async () => {
    const bridge = running();
    const session = await openLegacySseSession(bridge.url);
    try {
      assert.equal((await post(session.postUrl, callTool('d', 'slow', { ms: 1_000 }))).status, 202);
      const duplicate = await jsonError(await post(session.postUrl, callTool('d', 'echo', { text: 'again' })));
      assert.deepEqual([duplicate.status, duplicate.reason], [409, 'DUPLICATE_REQUEST_ID']);
      await waitFor(() => session.reader.messages().find((m) => m.id === 'd'), { what: 'the slow answer' });
      assert.equal(session.reader.messages().filter((m) => m.id === 'd').length, 1);
    } finally {
      session.close();
    }
  });
});
