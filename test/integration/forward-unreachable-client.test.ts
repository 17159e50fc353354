// A server-to-client request over Streamable HTTP that no open stream can carry (no GET stream, nothing
// in flight) is answered to the server at once with CLIENT_UNREACHABLE instead of waiting in the event store.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bridgeForSuite } from '../helpers/bridge.js';
import { callTool, messagesOf, post, SseReader } from '../helpers/http.js';
import { fixtureCommand } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';

const version = '2025-06-18';

/** A session whose client declares roots (so the server may ask for them) and opens no GET stream. */
async function openRootsSession(base: string): Promise<Record<string, string>> {
  const init = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: version, capabilities: { roots: {} }, clientInfo: { name: 'one-shot', version: '1' } } };
  const response = await post(`${base}/mcp`, init);
  const sessionId = response.headers.get('mcp-session-id')!;
  await response.text();
  const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': version };
  await (await post(`${base}/mcp`, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers)).text();
  return headers;
}

describe('server requests with no stream to carry them', () => {
  const bridge = bridgeForSuite(['--stdio', fixtureCommand('test-server')]);

  test('roots/list sent while the session has no GET stream and nothing in flight is answered with CLIENT_UNREACHABLE within 1 s', async () => {
    const headers = await openRootsSession(bridge().url);
    const [answer] = await messagesOf(await post(`${bridge().url}/mcp`, callTool(1, 'roots_later', { delayMs: 50 }), headers));
    assert.ok(answer!.result, JSON.stringify(answer));
    const line = await waitFor(() => /roots_later: error (.*) after (\d+) ms/.exec(bridge().stderr()), { what: 'the server to hear back', timeoutMs: 5_000 });
    assert.match(line[1]!, /could not be reached/);
    assert.ok(Number(line[2]) < 1000, `answered after ${line[2]} ms`);
  });

  test('with a GET stream open, the same request reaches the client on it', async () => {
    const headers = await openRootsSession(bridge().url);
    const abort = new AbortController();
    const get = await fetch(`${bridge().url}/mcp`, { headers: { ...headers, accept: 'text/event-stream' }, signal: abort.signal });
    const reader = new SseReader(get);
    try {
      await messagesOf(await post(`${bridge().url}/mcp`, callTool(1, 'roots_later', { delayMs: 50 }), headers));
      const request = await waitFor(() => reader.messages().find((m) => m.method === 'roots/list'), { what: 'roots/list on the GET stream' });
      await (await post(`${bridge().url}/mcp`, { jsonrpc: '2.0', id: request.id, result: { roots: [{ uri: 'file:///tmp', name: 'tmp' }] } }, headers)).text();
      await waitFor(() => bridge().stderr().includes('roots_later: roots [{"uri":"file:///tmp","name":"tmp"}]'), { what: 'the server to get the roots' });
    } finally {
      abort.abort();
    }
  });
});
