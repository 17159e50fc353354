import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bridgeForSuite } from '../helpers/bridge.js';
import { callTool, initializeRequest, messagesOf, openStreamableSession, post, SseReader } from '../helpers/http.js';
import { fixtureCommand } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';

async function reasonOf(response: Response): Promise<string> {
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  return ((await response.json()) as { error: { data?: { reason?: string } } }).error.data?.reason ?? '';
}

describe('the Streamable HTTP transport (sessions, 2025-03-26 to 2025-11-25)', () => {
  const running = bridgeForSuite(['--stdio', fixtureCommand('test-server')]);

  test('an initialize the spec refuses (wrong Accept or Content-Type, or in a batch) gets JSON 406/415/400 and starts no server', async () => {
    const bridge = running();
    const childrenBefore = bridge.children().length;
    const wrongAccept = await post(`${bridge.url}/mcp`, initializeRequest(), { accept: 'application/json' });
    assert.deepEqual([wrongAccept.status, await reasonOf(wrongAccept)], [406, 'NOT_ACCEPTABLE']);
    const wrongType = await post(`${bridge.url}/mcp`, initializeRequest(), { 'content-type': 'text/plain' });
    assert.deepEqual([wrongType.status, await reasonOf(wrongType)], [415, 'UNSUPPORTED_MEDIA_TYPE']);
    const batch = await post(`${bridge.url}/mcp`, [initializeRequest(1), initializeRequest(2)]);
    assert.deepEqual([batch.status, await reasonOf(batch)], [400, 'INVALID_REQUEST']);
    assert.equal(bridge.children().length, childrenBefore, 'no server was started for a refused initialize');
  });

  test('in a session: a second initialize, an unknown MCP-Protocol-Version and a second GET stream are refused with JSON errors', async () => {
    const bridge = running();
    const { headers } = await openStreamableSession(bridge.url);
    const again = await post(`${bridge.url}/mcp`, initializeRequest(5), headers);
    assert.deepEqual([again.status, await reasonOf(again)], [400, 'ALREADY_INITIALIZED']);
    const unknownVersion = await post(`${bridge.url}/mcp`, callTool(6, 'echo', { text: 'x' }), { ...headers, 'mcp-protocol-version': '1999-01-01' });
    assert.deepEqual([unknownVersion.status, await reasonOf(unknownVersion)], [400, 'UNSUPPORTED_PROTOCOL_VERSION']);
    const stream = await fetch(`${bridge.url}/mcp`, { headers: { ...headers, accept: 'text/event-stream' } });
    assert.equal(stream.status, 200);
    const second = await fetch(`${bridge.url}/mcp`, { headers: { ...headers, accept: 'text/event-stream' } });
    assert.deepEqual([second.status, await reasonOf(second)], [409, 'STREAM_CONFLICT']);
    const foreignEventId = await fetch(`${bridge.url}/mcp`, { headers: { ...headers, accept: 'text/event-stream', 'last-event-id': 'nonsense' } });
    assert.deepEqual([foreignEventId.status, await reasonOf(foreignEventId)], [400, 'EVENT_ID_UNKNOWN']);
    await stream.body?.cancel();
    const [answer] = await messagesOf(await post(`${bridge.url}/mcp`, callTool(7, 'echo', { text: 'still fine' }), headers));
    assert.match(JSON.stringify(answer?.result), /still fine/);
  });

  test('a batch of requests is answered on one event stream that ends after the last answer; notifications alone get 202', async () => {
    const bridge = running();
    const { headers } = await openStreamableSession(bridge.url);
    const response = await post(`${bridge.url}/mcp`, [callTool('a', 'slow', { ms: 300 }), callTool(2, 'echo', { text: 'quick' })], headers);
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    assert.ok(response.headers.get('mcp-session-id'));
    const answers = await messagesOf(response);
    assert.deepEqual(answers.map((m) => m.id).sort(), [2, 'a'], 'each request answered once, ids with their types');
    const notification = await post(`${bridge.url}/mcp`, { jsonrpc: '2.0', method: 'notifications/roots/list_changed' }, headers);
    assert.equal(notification.status, 202);
  });

  test('a 2025-11-25 client gets a priming event (an id, no data) before its answer', async () => {
    const bridge = running();
    const { headers } = await openStreamableSession(bridge.url, { version: '2025-11-25' });
    const response = await post(`${bridge.url}/mcp`, callTool(1, 'echo', { text: 'primed' }), headers);
    const reader = new SseReader(response);
    await waitFor(() => reader.messages().find((m) => m.id === 1), { what: 'the answer' });
    const [priming] = reader.events;
    assert.ok(priming?.id, 'the first event carries an event id');
    assert.equal(priming.data.trim(), '', 'and no data');
  });

  test('DELETE ends the session: its server stops, and the session id is unknown from then on', async () => {
    const bridge = running();
    const { headers } = await openStreamableSession(bridge.url);
    await messagesOf(await post(`${bridge.url}/mcp`, callTool(1, 'echo', { text: 'x' }), headers));
    const childrenBefore = bridge.children().length;
    assert.equal((await fetch(`${bridge.url}/mcp`, { method: 'DELETE', headers })).status, 200);
    await waitFor(() => bridge.children().length < childrenBefore || undefined, { what: 'the session server to stop' });
    const gone = await post(`${bridge.url}/mcp`, callTool(2, 'echo', { text: 'y' }), headers);
    assert.deepEqual([gone.status, await reasonOf(gone)], [404, 'SESSION_NOT_FOUND']);
  });
});

describe('Streamable HTTP with --jsonResponse', () => {
  const running = bridgeForSuite(['--jsonResponse', '--stdio', fixtureCommand('test-server')]);

  test('answers come as one JSON body: an object for one request, an array for a batch', async () => {
    const bridge = running();
    const { headers } = await openStreamableSession(bridge.url);
    const one = await post(`${bridge.url}/mcp`, callTool(1, 'echo', { text: 'json' }), headers);
    assert.match(one.headers.get('content-type') ?? '', /application\/json/);
    const single = (await one.json()) as { id: number };
    assert.equal(single.id, 1);
    const batch = await post(`${bridge.url}/mcp`, [callTool('x', 'echo', { text: '1' }), callTool(3, 'echo', { text: '2' })], headers);
    const answers = (await batch.json()) as { id: string | number }[];
    assert.deepEqual(answers.map((m) => m.id).sort(), [3, 'x']);
  });
});
