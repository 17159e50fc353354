/**
 * Fault injection, lifecycles: a server that never answers initialize, a 20 MB line, repeated
 * crashes, 500 rapid connect/disconnect cycles and SIGTERM under load. Every request gets exactly
 * one answer, a healthy client keeps working, the bridge's memory stays bounded and no process is
 * left. Single crash, exit-at-start, garbage and split lines are in forward-faults.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startBridge } from '../helpers/bridge.js';
import { assertHealthyClientWorks, faultServer, rssMiB, withBridge } from '../helpers/faults.js';
import { callTool, initializeRequest, messagesOf, openLegacySseSession, openStreamableSession, post } from '../helpers/http.js';
import { isAlive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

const reasonOf = (message: Record<string, unknown> | undefined): string | undefined =>
  (message?.error as { data?: { reason?: string } } | undefined)?.data?.reason;

const hangingInitialize = (id: number): Record<string, unknown> => {
  const request = initializeRequest(id);
  (request.params as { clientInfo: { name: string } }).clientInfo.name = 'hang-on-initialize';
  return request;
};

describe('servers that hang, flood a line or crash', () => {
  test('initialize never answered: --requestTimeout answers it on both transports, and the sessions can be closed', (t) =>
    withBridge(['--requestTimeout', '400ms', ...faultServer()], async (bridge) => {
      const response = await post(`${bridge.url}/mcp`, hangingInitialize(1));
      const sessionId = response.headers.get('mcp-session-id')!;
      const child = await waitFor(() => bridge.children()[0], { what: 'the child' });
      const [answer] = await messagesOf(response);
      assert.equal(reasonOf(answer), 'REQUEST_TIMEOUT');
      assert.equal((await fetch(`${bridge.url}/mcp`, { method: 'DELETE', headers: { 'mcp-session-id': sessionId } })).status, 200);
      await waitFor(() => !isAlive(child), { what: 'the Streamable HTTP child to end' });

      const legacy = await openLegacySseSession(bridge.url);
      const legacyChild = await waitFor(() => bridge.children()[0], { what: 'the legacy child' });
      assert.equal((await post(legacy.postUrl, hangingInitialize(2))).status, 202);
      const legacyAnswer = await waitFor(() => legacy.reader.messages().find((m) => m.id === 2), { what: 'the timeout answer' });
      assert.equal(reasonOf(legacyAnswer), 'REQUEST_TIMEOUT');
      legacy.close();
      await waitFor(() => !isAlive(legacyChild), { what: 'the legacy child to end' });
      await assertHealthyClientWorks(bridge.url);
    }, { t }));

  test('a 20 MB line (over --maxLineBytes 16MiB) is dropped, the call still answers, memory stays bounded', (t) =>
    withBridge(['--maxLineBytes', '16MiB', ...faultServer()], async (bridge) => {
      const { headers } = await openStreamableSession(bridge.url);
      const [answer] = await messagesOf(await post(`${bridge.url}/mcp`, callTool(1, 'huge', { bytes: 20 * 1024 * 1024 }), headers));
      assert.deepEqual(answer!.result, { content: [{ type: 'text', text: 'after huge' }] });
      await waitFor(() => /dropped an oversized line from the MCP server.*limit=16777216/.test(bridge.stderr()), { what: 'the dropped line to be logged' });
      await assertHealthyClientWorks(bridge.url);
    }, { t }));

  test('twenty sessions whose children crash mid-request each get exactly one error answer', (t) =>
    withBridge(faultServer(), async (bridge) => {
      for (let round = 0; round < 5; round++) {
        const answers = await Promise.all(
          Array.from({ length: 4 }, async () => {
            const { headers } = await openStreamableSession(bridge.url);
            return messagesOf(await post(`${bridge.url}/mcp`, callTool('boom', 'crash'), headers));
          }),
        );
        for (const messages of answers) assert.deepEqual(messages.map((m) => [m.id, reasonOf(m)]), [['boom', 'CHILD_EXITED']]);
      }
      await waitFor(() => bridge.children().length === 0, { what: 'every crashed child to be reaped' });
      await assertHealthyClientWorks(bridge.url);
    }, { t }));
});

describe('churn and shutdown', () => {
  test('500 rapid connect/disconnect cycles over both transports leave no session and no child behind', (t) =>
    // `cat` starts in a millisecond: the cycles test session and process lifecycles, not the server.
    withBridge(['--stdio', 'cat'], async (bridge) => {
      let next = 0;
      const deadline = Date.now() + 40_000;
      const cycle = async (i: number): Promise<void> => {
        if (i % 2 === 0) return (await openLegacySseSession(bridge.url)).close();
        const response = await post(`${bridge.url}/mcp`, initializeRequest(0));
        const sessionId = response.headers.get('mcp-session-id');
        assert.ok(sessionId, `cycle ${i}: status ${response.status}`);
        await response.body?.cancel();
        assert.equal((await fetch(`${bridge.url}/mcp`, { method: 'DELETE', headers: { 'mcp-session-id': sessionId } })).status, 200);
      };
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let i = next++; i < 500; i = next++) {
            assert.ok(Date.now() < deadline, 'the cycles took longer than 40 s');
            await cycle(i);
          }
        }),
      );
      assert.equal(bridge.stderr().match(/session opened/g)?.length, 500);
      await waitFor(async () => ((await (await fetch(`${bridge.url}/readyz`)).json()) as { sessions: number }).sessions === 0, { what: 'no sessions' });
      await waitFor(() => bridge.children().length === 0, { what: 'every child to be gone', timeoutMs: 20_000 });
    }, { t }));

  test('SIGTERM under load: every accepted request is answered exactly once before exit 0, and no process is left', async (t) => {
    const bridge = await startBridge(faultServer());
    const before = rssMiB(bridge.pid);
    const streamable = await Promise.all([0, 1, 2].map(() => openStreamableSession(bridge.url)));
    const legacy = await Promise.all([0, 1, 2].map(() => openLegacySseSession(bridge.url)));
    let stopping = false;
    const outcomes: { accepted: boolean; answers: number }[] = [];
    const streamableCall = async (headers: Record<string, string>, id: number, tool: string): Promise<void> => {
      let response: Response;
      try {
        response = await post(`${bridge.url}/mcp`, callTool(id, tool, { text: 'load' }), headers);
      } catch {
        return void outcomes.push({ accepted: false, answers: 0 }); // refused: the bridge had stopped listening
      }
      if (response.status !== 200) return void outcomes.push({ accepted: false, answers: Number(response.status >= 400 && (await messagesOf(response)).length === 1) });
      const messages = await messagesOf(response).catch(() => []);
      outcomes.push({ accepted: true, answers: messages.filter((m) => m.id === id).length });
    };
    let id = 100;
    const load = streamable.map(async ({ headers }) => {
      const hangs = [1, 2, 3].map((n) => streamableCall(headers, n, 'hang'));
      for (let round = 0; round < 500 && !stopping; round++) await streamableCall(headers, id++, 'echo');
      await Promise.all(hangs);
    });
    const legacyIds: number[][] = legacy.map(() => []);
    await Promise.all(legacy.map(async (session, k) => {
      for (const n of [1, 2, 3]) if ((await post(session.postUrl, callTool(n, 'hang'))).status === 202) legacyIds[k]!.push(n);
    }));
    await waitFor(() => outcomes.length >= 30, { what: 'some load to be answered' });
    const family = bridge.children();
    stopping = true;
    assert.equal(await bridge.stop('SIGTERM'), 0);
    await Promise.all(load);
    const inFlight = outcomes.filter((o) => o.accepted);
    assert.deepEqual(inFlight.filter((o) => o.answers !== 1), [], 'every accepted Streamable HTTP request got exactly one answer');
    for (const [k, session] of legacy.entries()) {
      await waitFor(() => session.reader.closed, { what: 'the legacy stream to end' });
      for (const n of legacyIds[k]!) assert.equal(session.reader.messages().filter((m) => m.id === n).length, 1, `legacy ${k} request ${n}`);
    }
    for (const pid of family) assert.equal(isAlive(pid), false, `pid ${pid} is gone`);
    t.diagnostic(`${inFlight.length} accepted Streamable HTTP requests, ${outcomes.length - inFlight.length} refused; bridge RSS before load ${before.toFixed(1)} MiB`);
  });
});
