/**
 * --sessionMode shared: one child, initialized once by the bridge, serves every session. Sessions still never mix:
 * colliding ids of both types, colliding progress tokens, subscriptions, cancellations and server-to-client requests
 * each reach only the session they belong to. Raw HTTP clients choose every id and see every message.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { fixtureCommand } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { SseRawClient, StreamableRawClient, type JsonRpcId, type JsonRpcMessage, type RawClient } from '../helpers/rawClients.js';
import { waitFor } from '../helpers/wait.js';

const TOKEN_PATTERN = /session-\d+-[0-9a-f]{8}/g;
const ECHO_IDS: readonly JsonRpcId[] = [1, '1', 'a'];
const PROGRESS_ID = 2; // also its progress token, the same in every session
const PROGRESS_COUNT = 5;

interface SharedSession {
  index: number;
  client: RawClient;
  token: string;
  init: Record<string, unknown>;
}

/** Session i: even → Streamable HTTP (with its standalone stream open), odd → legacy SSE. */
async function openSession(url: string, index: number): Promise<SharedSession> {
  const client = index % 2 === 0 ? new StreamableRawClient(url) : new SseRawClient(url);
  const token = `session-${index}-${randomBytes(4).toString('hex')}`;
  if (client instanceof SseRawClient) await client.connect();
  const init = await client.initialize('init', token);
  if (client instanceof StreamableRawClient) assert.equal(await client.openStandaloneStream(), 200);
  return { index, client, token, init };
}

function pidOf(init: Record<string, unknown>): number {
  return Number(/pid (\d+)/.exec(String(init.instructions))?.[1]);
}

function toolCall(id: JsonRpcId, name: string, args: Record<string, unknown>, meta?: Record<string, unknown>): JsonRpcMessage {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, ...(meta && { _meta: meta }) } };
}

function progressOf(s: SharedSession): Record<string, unknown>[] {
  return s.client.inbox.filter((m) => m.method === 'notifications/progress').map((m) => m.params ?? {});
}

/** Fires echo 1, "1", "a", a progress call with token 2 and a ping at once, then waits for every answer and all progress. */
async function exercise(s: SharedSession): Promise<void> {
  const sends = ECHO_IDS.map((id) => s.client.send(toolCall(id, 'echo', { text: `${s.token}|${JSON.stringify(id)}` })));
  sends.push(s.client.send(toolCall(PROGRESS_ID, 'progress', { count: PROGRESS_COUNT, tag: s.token, intervalMs: 5 }, { progressToken: PROGRESS_ID })));
  sends.push(s.client.send({ jsonrpc: '2.0', id: 'p', method: 'ping' }));
  await Promise.all(sends);
  const what = `session ${s.index}'s answers`;
  await waitFor(() => s.client.responses().length >= 6 && progressOf(s).length >= PROGRESS_COUNT, { what, timeoutMs: 60_000 });
}

function assertOwnAnswers(s: SharedSession, childPid: number): void {
  const who = `session ${s.index} (${s.client.transport})`;
  assert.deepEqual(s.client.problems, [], `${who}: wire problems`);
  const responses = s.client.responses();
  const ids = responses.map((m) => JSON.stringify(m.id)).sort();
  assert.deepEqual(ids, ['"1"', '"a"', '"init"', '"p"', '1', '2'], `${who}: one answer per request, ids of the type sent`);
  for (const id of ECHO_IDS) {
    const answer = responses.find((m) => m.id === id);
    assert.deepEqual(answer?.result?.structuredContent, { text: `${s.token}|${JSON.stringify(id)}`, pid: childPid }, `${who}: echo ${JSON.stringify(id)} is its own`);
  }
  assert.deepEqual(responses.find((m) => m.id === 'p')?.result, {}, `${who}: ping answered`);
  assert.deepEqual(
    progressOf(s),
    Array.from({ length: PROGRESS_COUNT }, (_, k) => ({ progressToken: PROGRESS_ID, progress: k + 1, total: PROGRESS_COUNT, message: `${s.token} ${k + 1}/${PROGRESS_COUNT}` })),
    `${who}: exactly its own progress, in order, with its own token`,
  );
  assert.deepEqual([...new Set(JSON.stringify(s.client.inbox).match(TOKEN_PATTERN))], [s.token], `${who}: nothing of another session`);
}

/** How many lines of the bridge's log (the child's stderr included) contain `text`. */
function logCount(bridge: RunningBridge, text: string): number {
  return bridge.stderr().split('\n').filter((line) => line.includes(text)).length;
}

describe('shared session mode keeps sessions apart on one child', { timeout: 180_000 }, () => {
  let bridge: RunningBridge;
  let childPid = 0;
  const opened = new Set<SharedSession>();
  const open = async (index: number): Promise<SharedSession> => {
    const session = await openSession(bridge.url, index);
    opened.add(session);
    return session;
  };
  const close = async (...sessions: SharedSession[]): Promise<void> => {
    await Promise.all(sessions.map((s) => s.client.close()));
    sessions.forEach((s) => opened.delete(s));
  };

  before(async () => {
    bridge = await startBridge(['--sessionMode', 'shared', '--stdio', fixtureCommand('test-server')]);
  });

  after(async () => {
    await Promise.allSettled([...opened].map((s) => s.client.close()));
    const family = bridge.children();
    assert.equal(await bridge.stop(), 0, `bridge exit code; stderr:\n${bridge.stderr()}`);
    await waitFor(() => family.every((pid) => !isAlive(pid)), { what: 'the shared child to be gone' });
  });

  test('64 sessions over SSE and Streamable HTTP on one child, all using ids 1, "1", "a" and progress token 2 at once, each get exactly their own answers and progress, once, types restored', async () => {
    const sessions = await Promise.all(Array.from({ length: 64 }, (_, i) => open(i)));
    const pids = new Set(sessions.map((s) => pidOf(s.init)));
    assert.equal(pids.size, 1, `every session is served by the same child: ${[...pids].join(' ')}`);
    childPid = [...pids][0]!;
    assert.deepEqual(bridge.children(), [childPid], 'opening 64 sessions spawned no other process');
    await Promise.all(sessions.map(exercise));
    for (const s of sessions) assertOwnAnswers(s, childPid);
    await close(...sessions);
    assert.ok(isAlive(childPid), 'the shared child outlives the sessions');
  });

  test('a client is answered with the protocol version it asked for when the child speaks it, else with the child\'s', async () => {
    const client = new StreamableRawClient(bridge.url);
    const old = await client.request(0, 'initialize', { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'old', version: '1' } });
    assert.equal(old.result?.protocolVersion, '2025-03-26');
    await client.close();
    const future = new SseRawClient(bridge.url);
    await future.connect();
    const answer = await future.request(0, 'initialize', { protocolVersion: '2099-01-01', capabilities: {}, clientInfo: { name: 'future', version: '1' } });
    assert.equal(typeof answer.result?.protocolVersion, 'string');
    assert.notEqual(answer.result?.protocolVersion, '2099-01-01');
    await future.close();
  });

  test('subscriptions are counted per URI: the child sees one subscribe, updates reach only subscribers, and one unsubscribe after the last leaves', async () => {
    const uri = `test://items/${randomBytes(4).toString('hex')}`;
    const [a, b, c, d] = await Promise.all([1, 3, 5, 7].map(open)); // legacy SSE: one stream, so order is exact
    for (const s of [a!, b!, d!]) assert.deepEqual((await s.client.request(`sub-${s.index}`, 'resources/subscribe', { uri })).result, {});
    assert.equal(logCount(bridge, `subscribed to ${uri}`), 1, 'the child was asked to subscribe once');
    const updated = await c!.client.request('update', 'tools/call', { name: 'update_resource', arguments: { uri } });
    assert.deepEqual(updated.result?.structuredContent, { notified: true });
    const isUpdate = (m: JsonRpcMessage): boolean => m.method === 'notifications/resources/updated' && m.params?.uri === uri;
    for (const s of [a!, b!, d!]) await s.client.waitForMessage(isUpdate, `the update at session ${s.index}`);
    assert.equal(c!.client.inbox.filter(isUpdate).length, 0, 'a session that did not subscribe gets no update');
    await close(d!); // a session that ends drops its subscriptions
    assert.deepEqual((await a!.client.request('unsub', 'resources/unsubscribe', { uri })).result, {});
    assert.equal(logCount(bridge, `unsubscribed from ${uri}`), 0, 'no unsubscribe while a session is still subscribed');
    assert.deepEqual((await b!.client.request('unsub', 'resources/unsubscribe', { uri })).result, {});
    await waitFor(() => logCount(bridge, `unsubscribed from ${uri}`) === 1, { what: 'the one unsubscribe after the last subscriber' });
    const after = await c!.client.request('update-2', 'tools/call', { name: 'update_resource', arguments: { uri } });
    assert.deepEqual(after.result?.structuredContent, { notified: false }, 'the child holds no subscription any more');
    await close(a!, b!, c!);
  });

  test('cancelling one session\'s request stops it on the child and leaves another session\'s request with the same id running', async () => {
    const [a, b] = await Promise.all([open(0), open(1)]);
    const before = logCount(bridge, 'cancelled after notifications/cancelled');
    await a!.client.send(toolCall(5, 'slow', { ms: 60_000 }));
    const other = b!.client.request(5, 'tools/call', { name: 'slow', arguments: { ms: 400 } });
    await a!.client.notify('notifications/cancelled', { requestId: 5, reason: 'test cancels' });
    await waitFor(() => logCount(bridge, 'cancelled after notifications/cancelled: test cancels') === 1, { what: 'the child to see the cancel' });
    const answer = await other;
    assert.equal(answer.id, 5);
    assert.equal((answer.result?.structuredContent as { ms?: number } | undefined)?.ms, 400, 'the other session\'s request 5 completed');
    assert.equal(logCount(bridge, 'cancelled after notifications/cancelled') - before, 1, 'only one request was cancelled');
    await close(a!, b!);
  });

  test('a session that closes has its requests in flight cancelled on the child', async () => {
    const a = await open(2);
    await a.client.send(toolCall('long', 'slow', { ms: 60_000 }));
    await close(a);
    await waitFor(() => logCount(bridge, 'cancelled after notifications/cancelled: the client session closed') >= 1, { what: 'the cancel of the closed session' });
  });

  test('a sampling request goes to the session whose tool call asked for it, and its answer returns to the child', async () => {
    const [asker, idle] = await Promise.all([open(9), open(11)]);
    await asker!.client.send(toolCall(1, 'sample', { prompt: 'hello' }));
    const request = await asker!.client.waitForMessage((m) => m.method === 'sampling/createMessage', 'the sampling request');
    await asker!.client.respond(request.id!, { role: 'assistant', content: { type: 'text', text: `answer of ${asker!.token}` }, model: 'test' });
    const result = await asker!.client.waitForMessage((m) => m.id === 1 && m.method === undefined, 'the tool result');
    assert.equal((result.result?.structuredContent as { text?: string }).text, `answer of ${asker!.token}`);
    assert.equal(idle!.client.inbox.filter((m) => m.method === 'sampling/createMessage').length, 0, 'the idle session was not asked');
    await close(asker!, idle!);
  });
});
