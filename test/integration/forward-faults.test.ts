import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startBridge } from '../helpers/bridge.js';
import { callTool, messagesOf, openLegacySseSession, openStreamableSession, post } from '../helpers/http.js';
import { assertHealthyClientWorks, faultServer, withBridge } from '../helpers/faults.js';
import { isAlive, unspawnableCommand } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

describe('faults in the MCP server never lose a request or harm another session', () => {
  test('a child that crashes mid-request answers that request with a JSON-RPC error and ends only its session', () =>
    withBridge(faultServer(), async (bridge) => {
      const victim = await openStreamableSession(bridge.url);
      const bystander = await openStreamableSession(bridge.url);
      const [answer] = await messagesOf(await post(`${bridge.url}/mcp`, callTool('boom', 'crash'), victim.headers));
      assert.equal(answer!.id, 'boom');
      assert.match(JSON.stringify(answer!.error), /exited.*exit code 1/);
      // The crashed session is gone; the other one still answers.
      await waitFor(async () => (await post(`${bridge.url}/mcp`, callTool(1, 'echo'), victim.headers)).status === 404, { what: 'the session to close' });
      const [ok] = await messagesOf(await post(`${bridge.url}/mcp`, callTool(1, 'echo', { text: 'fine' }), bystander.headers));
      assert.deepEqual(ok!.result, { content: [{ type: 'text', text: 'fine' }] });
      assert.match(bridge.stderr(), /child exited.*code=1/);
    }));

  test('a crash on a legacy SSE session answers the in-flight request on its stream before it closes', () =>
    withBridge(faultServer(), async (bridge) => {
      const session = await openLegacySseSession(bridge.url);
      await post(session.postUrl, callTool(5, 'crash'));
      const answer = await waitFor(() => session.reader.messages().find((m) => m.id === 5), { what: 'the error answer' });
      assert.equal((answer.error as { code: number }).code, -32000);
      await waitFor(() => session.reader.closed, { what: 'the stream to close' });
      await assertHealthyClientWorks(bridge.url);
    }));

  test('a command that cannot be spawned gives the client an error and the gateway keeps serving', () =>
    withBridge(['--stdio', `${unspawnableCommand} --flag`], async (bridge) => {
      const response = await post(`${bridge.url}/mcp`, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
      assert.equal(response.status, 502);
      const [answer] = await messagesOf(response);
      assert.match(JSON.stringify(answer!.error), /could not be started.*ENOENT/);
      assert.equal((await fetch(`${bridge.url}/healthz`)).status, 200);
      const again = await messagesOf(await post(`${bridge.url}/mcp`, { jsonrpc: '2.0', id: 2, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }));
      assert.ok(again[0]!.error);
    }));

  test('a child that exits at start answers initialize with an error', () =>
    withBridge(faultServer('--exit-at-start'), async (bridge) => {
      const session = await openLegacySseSession(bridge.url);
      await post(session.postUrl, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 't', version: '1' } } }).catch(() => undefined);
      await waitFor(() => session.reader.closed, { what: 'the session to end' });
      assert.match(bridge.stderr(), /child exited.*code=3/);
    }));

  test('non-JSON lines and split lines from the child are skipped or joined, and the session goes on', () =>
    withBridge(faultServer(), async (bridge) => {
      const { headers } = await openStreamableSession(bridge.url);
      const [answer] = await messagesOf(await post(`${bridge.url}/mcp`, callTool(1, 'garbage'), headers));
      assert.deepEqual(answer!.result, { content: [{ type: 'text', text: 'after garbage' }] });
      assert.match(bridge.stderr(), /warn skipped a non-JSON line/);
      assert.match(bridge.stderr(), /warn skipped a JSON line that is not JSON-RPC/);
      await assertHealthyClientWorks(bridge.url);
    }));

  test('a line over --maxLineBytes is dropped with a log line and the session survives', () =>
    withBridge(['--maxLineBytes', '1MiB', ...faultServer()], async (bridge) => {
      const { headers } = await openStreamableSession(bridge.url);
      const [answer] = await messagesOf(await post(`${bridge.url}/mcp`, callTool(1, 'huge', { bytes: 3 * 1024 * 1024 }), headers));
      assert.deepEqual(answer!.result, { content: [{ type: 'text', text: 'after huge' }] });
      await waitFor(() => /dropped an oversized line/.test(bridge.stderr()), { what: 'the dropped line to be logged' });
    }));

  test('child stderr reaches the log tagged with its session', () =>
    withBridge(faultServer(), async (bridge) => {
      const { sessionId, headers } = await openStreamableSession(bridge.url);
      await messagesOf(await post(`${bridge.url}/mcp`, callTool(1, 'stderr', { text: 'a line from the child' }), headers));
      await waitFor(() => bridge.stderr().split('\n').find((line) => line.includes('a line from the child') && line.includes(sessionId)), { what: 'the tagged stderr line' });
    }));
});

describe('sessions end cleanly', () => {
  test('SIGTERM answers in-flight requests, kills children and grandchildren, and exits 0', async () => {
    const bridge = await startBridge(faultServer('--ignore-sigterm', '--ignore-stdin-eof', ));
    const { headers } = await openStreamableSession(bridge.url);
    const [grand] = await messagesOf(await post(`${bridge.url}/mcp`, callTool(1, 'grandchild'), headers));
    const grandchildPid = Number((grand!.result as { content: { text: string }[] }).content[0]!.text);
    assert.ok(isAlive(grandchildPid));
    // The response's headers arrive once the request is in the bridge's hands, before any answer.
    const hanging = await post(`${bridge.url}/mcp`, callTool(2, 'hang'), headers);
    const family = await waitFor(() => (bridge.children().length >= 2 ? bridge.children() : undefined), { what: 'child and grandchild' });
    assert.equal(await bridge.stop('SIGTERM'), 0);
    const [answer] = await messagesOf(hanging);
    assert.equal(answer!.id, 2);
    assert.ok(answer!.error, 'the hanging request got an error, not silence');
    for (const pid of [...family, grandchildPid]) assert.equal(isAlive(pid), false, `pid ${pid} is gone`);
  });

  test('the idle timeout closes a session and kills its child even while its GET stream is open', () =>
    withBridge(['--sessionTimeout', '600ms', ...faultServer()], async (bridge) => {
      const { headers } = await openStreamableSession(bridge.url);
      const controller = new AbortController();
      const stream = await fetch(`${bridge.url}/mcp`, { headers: { ...headers, accept: 'text/event-stream' }, signal: controller.signal });
      assert.equal(stream.status, 200);
      const child = await waitFor(() => bridge.children()[0], { what: 'the child' });
      await waitFor(() => !isAlive(child), { what: 'the idle session child to be killed' });
      assert.equal((await post(`${bridge.url}/mcp`, callTool(1, 'echo'), headers)).status, 404);
      controller.abort();
    }));

  test('DELETE ends a Streamable HTTP session and kills its child', () =>
    withBridge(faultServer(), async (bridge) => {
      const { headers } = await openStreamableSession(bridge.url);
      const child = await waitFor(() => bridge.children()[0], { what: 'the child' });
      assert.equal((await fetch(`${bridge.url}/mcp`, { method: 'DELETE', headers })).status, 200);
      await waitFor(() => !isAlive(child), { what: 'the child to be killed' });
    }));

  test('a child that ignores SIGTERM is killed after --killGrace', () =>
    withBridge(['--killGrace', '300ms', ...faultServer('--ignore-sigterm', '--ignore-stdin-eof')], async (bridge) => {
      const session = await openLegacySseSession(bridge.url);
      const child = await waitFor(() => bridge.children()[0], { what: 'the child' });
      session.close();
      await waitFor(() => !isAlive(child), { what: 'the stubborn child to be killed' });
    }));
});

describe('legacy SSE stream details', () => {
  test('keepalive comments flow, proxies are told not to buffer, and --baseUrl shapes the endpoint event', () =>
    withBridge(['--keepalive', '100ms', '--baseUrl', 'https://gw.example/prefix', ...faultServer()], async (bridge) => {
      const controller = new AbortController();
      const response = await fetch(`${bridge.url}/sse`, { signal: controller.signal });
      assert.equal(response.headers.get('x-accel-buffering'), 'no');
      const { SseReader } = await import('../helpers/http.js');
      const reader = new SseReader(response);
      const endpoint = await waitFor(() => reader.events.find((e) => e.event === 'endpoint'), { what: 'endpoint' });
      assert.match(endpoint.data, /^https:\/\/gw\.example\/prefix\/message\?sessionId=[0-9a-f-]{36}$/);
      await waitFor(() => reader.comments.filter((c) => c === 'keepalive').length >= 2, { what: 'two keepalives' });
      controller.abort();
    }));
});
