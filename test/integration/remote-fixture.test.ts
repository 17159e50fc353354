/**
 * The SDK-built remote server fixture (test/fixtures/remote-server.ts) behaves as the reverse-bridge tests assume:
 * how each transport treats requests on sessions that were never initialized or no longer exist, a restart on
 * the same port, and a clean exit on SIGTERM with sessions open.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { callTool, initializeRequest, messagesOf, openLegacySseSession, openStreamableSession, post, SseReader } from '../helpers/http.js';
import { isAlive } from '../helpers/processes.js';
import { RemoteServer, type RemoteServerOptions } from '../helpers/remoteServer.js';
import { readSse } from '../helpers/sseReader.js';
import { waitFor } from '../helpers/wait.js';

/** Runs `body` with a fresh remote server, then stops it and checks it exited 0 and is gone. */
async function withRemote(options: RemoteServerOptions, body: (remote: RemoteServer) => Promise<void>): Promise<void> {
  const remote = await RemoteServer.start(options);
  try {
    await body(remote);
  } finally {
    const code = await remote.stop();
    assert.equal(code, 0, `remote server exit code; stderr:\n${remote.stderr()}`);
    assert.equal(isAlive(remote.pid), false, 'the remote server is gone');
  }
}

async function errorOf(response: Response): Promise<{ status: number; id: unknown; code: unknown }> {
  const body = (await response.json()) as { id?: unknown; error?: { code?: unknown } };
  return { status: response.status, id: body.id, code: body.error?.code };
}

describe('the SDK-built remote server fixture', () => {
  test('legacy SSE with --strict refuses requests before initialize (HTTP 400, JSON-RPC -32600), then serves them', async () => {
    await withRemote({ strict: true }, async (remote) => {
      const session = await openLegacySseSession(remote.url);
      try {
        assert.deepEqual(await errorOf(await post(session.postUrl, callTool(1, 'echo', { text: 'early' }))), { status: 400, id: 1, code: -32600 });
        assert.deepEqual(await errorOf(await post(session.postUrl, { jsonrpc: '2.0', id: 2, method: 'ping' })), { status: 400, id: 2, code: -32600 });
        assert.match(remote.stderr(), /^rejected tools\/call on \S+: session not initialized$/m);
        assert.equal((await post(session.postUrl, initializeRequest(0))).status, 202);
        await waitFor(() => session.reader.messages().find((m) => m.id === 0 && m.result), { what: 'the initialize answer' });
        assert.equal((await post(session.postUrl, { jsonrpc: '2.0', method: 'notifications/initialized' })).status, 202);
        assert.equal((await post(session.postUrl, callTool(3, 'echo', { text: 'late' }))).status, 202);
        const answer = await waitFor(() => session.reader.messages().find((m) => m.id === 3), { what: 'the echo answer' });
        assert.deepEqual(answer.result, { content: [{ type: 'text', text: 'late' }], structuredContent: { text: 'late', pid: remote.pid } });
        assert.equal(
          session.reader.messages().some((m) => m.id === 1 || m.id === 2),
          false,
          'refused requests get no answer on the stream',
        );
      } finally {
        session.close();
      }
    });
  });

  test('legacy SSE without --strict: the SDK server answers requests that come before initialize', async () => {
    await withRemote({}, async (remote) => {
      const session = await openLegacySseSession(remote.url);
      try {
        assert.equal((await post(session.postUrl, callTool(1, 'echo', { text: 'early' }))).status, 202);
        const answer = await waitFor(() => session.reader.messages().find((m) => m.id === 1), { what: 'the echo answer' });
        assert.deepEqual(answer.result, { content: [{ type: 'text', text: 'early' }], structuredContent: { text: 'early', pid: remote.pid } });
      } finally {
        session.close();
      }
    });
  });

  test('Streamable HTTP refuses a request without session id (400, -32000) and an unknown session id (404, -32001)', async () => {
    await withRemote({ strict: true }, async (remote) => {
      const mcp = `${remote.url}/mcp`;
      assert.deepEqual(await errorOf(await post(mcp, callTool(1, 'echo', { text: 'x' }))), { status: 400, id: null, code: -32000 });
      const unknown = { 'mcp-session-id': 'no-such-session', 'mcp-protocol-version': '2025-06-18' };
      assert.deepEqual(await errorOf(await post(mcp, callTool(2, 'echo', { text: 'x' }), unknown)), { status: 404, id: null, code: -32001 });
      const { headers } = await openStreamableSession(remote.url);
      const [answer] = await messagesOf(await post(mcp, callTool(3, 'echo', { text: 'ok' }), headers));
      assert.deepEqual(answer?.result, { content: [{ type: 'text', text: 'ok' }], structuredContent: { text: 'ok', pid: remote.pid } });
      assert.equal((await fetch(mcp, { method: 'DELETE', headers })).status, 200);
      await waitFor(() => remote.openSessions().length === 0, { what: 'the deleted session to close' });
      assert.equal((await post(mcp, callTool(4, 'echo', { text: 'x' }), headers)).status, 404, 'a deleted session is unknown');
    });
  });

  test('Streamable HTTP streams are resumable: GET with Last-Event-ID replays the rest of a request stream', async () => {
    await withRemote({ strict: true }, async (remote) => {
      const mcp = `${remote.url}/mcp`;
      const { headers } = await openStreamableSession(remote.url);
      const request = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'progress', arguments: { count: 3 }, _meta: { progressToken: 't' } } };
      const response = await post(mcp, request, headers);
      const events = [];
      for await (const event of readSse(response.body!)) events.push(event);
      assert.equal(events.length, 4, 'three progress notifications and the answer');
      assert.ok(events.every((event) => event.id), 'every event has an id');
      const abort = new AbortController();
      const resumed = await fetch(mcp, { headers: { accept: 'text/event-stream', ...headers, 'last-event-id': events[0]!.id! }, signal: abort.signal });
      try {
        assert.equal(resumed.status, 200);
        const replay = new SseReader(resumed);
        await waitFor(() => replay.events.length >= 3, { what: 'the replayed events' });
        assert.deepEqual(replay.events, events.slice(1));
      } finally {
        abort.abort();
      }
    });
  });

  test('a restart keeps the port; stale session ids then answer 404 on both transports and new sessions work', async () => {
    await withRemote({ strict: true }, async (remote) => {
      const mcp = `${remote.url}/mcp`;
      const streamable = await openStreamableSession(remote.url);
      const legacy = await openLegacySseSession(remote.url);
      await post(legacy.postUrl, initializeRequest(0));
      await waitFor(() => legacy.reader.messages().find((m) => m.id === 0), { what: 'the initialize answer' });
      const { port, pid: oldPid } = remote;

      const restarted = await remote.restart();
      assert.equal(remote.port, port, 'same port');
      assert.equal(restarted.url, `http://127.0.0.1:${port}`);
      assert.notEqual(restarted.pid, oldPid);
      assert.equal(isAlive(oldPid), false, 'the old process is gone');
      await waitFor(() => legacy.reader.closed, { what: 'the old SSE stream to end' });

      assert.deepEqual(await errorOf(await post(mcp, callTool(1, 'echo', { text: 'x' }), streamable.headers)), { status: 404, id: null, code: -32001 });
      const staleGet = await fetch(mcp, { headers: { accept: 'text/event-stream', ...streamable.headers } });
      assert.deepEqual(await errorOf(staleGet), { status: 404, id: null, code: -32001 });
      assert.deepEqual(await errorOf(await post(legacy.postUrl, callTool(2, 'echo', { text: 'x' }))), { status: 404, id: null, code: -32001 });

      const fresh = await openLegacySseSession(remote.url);
      try {
        assert.equal((await post(fresh.postUrl, callTool(3, 'echo', { text: 'x' }))).status, 400, 'a new SSE session must initialize first');
      } finally {
        fresh.close();
      }
      const { headers } = await openStreamableSession(remote.url);
      const [answer] = await messagesOf(await post(mcp, callTool(4, 'echo', { text: 'again' }), headers));
      assert.deepEqual(answer?.result, { content: [{ type: 'text', text: 'again' }], structuredContent: { text: 'again', pid: restarted.pid } });
    });
  });

  test('SIGTERM with sessions and streams open closes them all and exits 0', async () => {
    await withRemote({}, async (remote) => {
      const legacy = await openLegacySseSession(remote.url);
      const { headers } = await openStreamableSession(remote.url);
      const standalone = await fetch(`${remote.url}/mcp`, { headers: { accept: 'text/event-stream', ...headers } });
      assert.equal(standalone.status, 200);
      await waitFor(() => remote.openSessions().length === 2, { what: 'two open sessions' });
      assert.equal(await remote.stop(), 0);
      await waitFor(() => legacy.reader.closed, { what: 'the SSE stream to end' });
      await standalone.body?.cancel().catch(() => {});
      assert.deepEqual(remote.openSessions(), [], 'every session logged its close');
    });
  });
});
