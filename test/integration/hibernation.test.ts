// Hibernation of idle per-session children (--childIdleTimeout, --maxChildren) with real processes:
// a quiet session's child stops and its next call revives it under the same session id, one-shot
// clients that never DELETE stay within --maxChildren, and a bound with no quiet session refuses with 503.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { callTool, initializeRequest, messagesOf, post, SseReader } from '../helpers/http.js';
import { fixtureCommand } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

const version = '2025-06-18';

async function withBridge(args: string[], body: (bridge: RunningBridge) => Promise<void>): Promise<void> {
  const bridge = await startBridge(['--no-headStart', ...args, '--stdio', fixtureCommand('test-server')]);
  try {
    await body(bridge);
  } finally {
    assert.equal(await bridge.stop(), 0);
    assert.deepEqual(bridge.children(), []);
  }
}

/** initialize + initialized over Streamable HTTP, never deleted; returns the session's headers. */
async function oneShotSession(base: string): Promise<Record<string, string>> {
  const response = await post(`${base}/mcp`, initializeRequest(0, version));
  const sessionId = response.headers.get('mcp-session-id');
  await response.text();
  assert.ok(sessionId, `initialize answered ${response.status}`);
  const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': version };
  await (await post(`${base}/mcp`, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers)).text();
  return headers;
}

/** The pid of the child that answered an echo call in this session. */
async function echoPid(base: string, headers: Record<string, string>, id: number): Promise<number> {
  const response = await post(`${base}/mcp`, callTool(id, 'echo', { text: `call ${id}` }), headers);
  assert.equal(response.status, 200);
  const [answer] = await messagesOf(response);
  const structured = (answer!.result as { structuredContent?: { pid?: number; text?: string } }).structuredContent;
  assert.equal(structured?.text, `call ${id}`);
  return structured!.pid!;
}

describe('hibernation of idle per-session children', { timeout: 120_000 }, () => {
  test('a quiet session loses its child after --childIdleTimeout and its next call, with the same session id, revives it', () =>
    withBridge(['--childIdleTimeout', '300ms'], async (bridge) => {
      const headers = await oneShotSession(bridge.url);
      const first = await echoPid(bridge.url, headers, 1);
      await waitFor(() => !isAlive(first), { what: 'the idle child to be stopped' });
      assert.deepEqual(bridge.children(), []);
      const second = await echoPid(bridge.url, headers, 2);
      assert.notEqual(second, first, 'a fresh child answered');
      assert.match(bridge.stderr(), /reviving the session: starting its MCP server and replaying its initialize/);
      // The revived child is the session's: a third call goes to it, and DELETE ends it.
      assert.equal(await echoPid(bridge.url, headers, 3), second);
      assert.equal((await fetch(`${bridge.url}/mcp`, { method: 'DELETE', headers })).status, 200);
      await waitFor(() => !isAlive(second), { what: 'the revived child to end with its session' });
    }));

  test('100 one-shot clients that never DELETE leave no more children than --maxChildren, and each of them can still call', () =>
    withBridge(['--maxChildren', '4', '--childIdleTimeout', '10m'], async (bridge) => {
      const sessions: Record<string, string>[] = [];
      for (let i = 0; i < 100; i++) {
        const headers = await oneShotSession(bridge.url);
        await echoPid(bridge.url, headers, 1);
        sessions.push(headers);
        assert.ok(bridge.children().length <= 4, `${bridge.children().length} children after client ${i}`);
      }
      // The earliest sessions were parked; they revive (parking others) and answer.
      for (const headers of sessions.slice(0, 5)) await echoPid(bridge.url, headers, 2);
      assert.ok(bridge.children().length <= 4);
    }));

  test('at --maxChildren with no quiet session, a new session is refused with 503 TOO_MANY_CHILDREN', () =>
    withBridge(['--maxChildren', '1'], async (bridge) => {
      const busy = await oneShotSession(bridge.url);
      const abort = new AbortController();
      // An open GET stream keeps the first session from being quiet.
      const stream = await fetch(`${bridge.url}/mcp`, { headers: { ...busy, accept: 'text/event-stream' }, signal: abort.signal });
      new SseReader(stream);
      try {
        const refused = await post(`${bridge.url}/mcp`, initializeRequest(0, version));
        assert.equal(refused.status, 503);
        const [body] = await messagesOf(refused);
        assert.equal((body!.error as { data: { reason: string } }).data.reason, 'TOO_MANY_CHILDREN');
        await echoPid(bridge.url, busy, 1);
      } finally {
        abort.abort();
      }
    }));
});
