/**
 * Sessions never mix: many clients on one bridge, over both transports, all using the same JSON-RPC ids (numbers for
 * some, strings for others), each get exactly their own answers, once, with the id type they sent; each session has
 * its own child, which ends with the session; and the bridge leaves nothing behind when it stops.
 *
 * Raw HTTP clients (test/helpers/rawClients.ts) are used so the tests choose every id and see every message.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { fixtureCommand } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { isResponse, SseRawClient, StreamableRawClient, type JsonRpcId, type RawClient } from '../helpers/rawClients.js';
import { waitFor } from '../helpers/wait.js';

const ECHOES = 5; // echo requests per client, ids 2..6
const PROGRESS_ID = ECHOES + 2; // a progress request, its id doubling as progress token (as the SDK does)
const PROGRESS_COUNT = 3;
const PING_ID = PROGRESS_ID + 1; // a last request, answered after everything else the client caused
const TOKEN_PATTERN = /client-\d+-[0-9a-f]{8}/g;

/** One client of a scenario: its transport, its id type, its token, and (once known) its child pid. */
interface Participant {
  index: number;
  client: RawClient;
  stringIds: boolean;
  token: string;
  id(n: number): JsonRpcId;
  pid?: number;
}

/** Client i: even → Streamable HTTP, odd → legacy SSE; i % 4 in {1, 2} → string ids. Every combination appears. */
function participant(baseUrl: string, index: number): Participant {
  const stringIds = index % 4 === 1 || index % 4 === 2;
  const client = index % 2 === 0 ? new StreamableRawClient(baseUrl) : new SseRawClient(baseUrl);
  const token = `client-${index}-${randomBytes(4).toString('hex')}`;
  return { index, client, stringIds, token, id: (n) => (stringIds ? String(n) : n) };
}

function describeParticipant(p: Participant): string {
  return `client ${p.index} (${p.client.transport}, ${p.stringIds ? 'string' : 'number'} ids)`;
}

/** Opens the session and learns the pid of its child. */
async function open(p: Participant): Promise<number> {
  if (p.client instanceof SseRawClient) await p.client.connect();
  const init = await p.client.initialize(p.id(1), p.token);
  if (p.client instanceof StreamableRawClient) {
    // Also listen on the standalone stream, so a message misrouted there would be seen too.
    assert.equal(await p.client.openStandaloneStream(), 200, 'GET /mcp opens the standalone stream');
  }
  const pid = Number(/pid (\d+)/.exec(String(init.instructions))?.[1]);
  assert.ok(pid > 0, `initialize result carries the child's instructions: ${JSON.stringify(init)}`);
  p.pid = pid;
  return pid;
}

/** Fires every request of the scenario at once, waits for every answer and the progress, then a last ping. */
async function exercise(p: Participant): Promise<void> {
  const echoes = Array.from({ length: ECHOES }, (_, k) => {
    const id = p.id(k + 2);
    return p.client.request(id, 'tools/call', { name: 'echo', arguments: { text: `${p.token}/${String(id)}` } });
  });
  const progress = p.client.request(p.id(PROGRESS_ID), 'tools/call', {
    name: 'progress',
    arguments: { count: PROGRESS_COUNT, tag: p.token },
    _meta: { progressToken: p.id(PROGRESS_ID) },
  });
  await Promise.all([...echoes, progress]);
  await waitFor(() => progressOf(p).length >= PROGRESS_COUNT, { what: `${describeParticipant(p)}'s progress`, timeoutMs: 20_000 });
  await p.client.request(p.id(PING_ID), 'ping');
}

function progressOf(p: Participant): Array<Record<string, unknown>> {
  return p.client.inbox.filter((m) => m.method === 'notifications/progress').map((m) => m.params ?? {});
}

/** Everything a client received is its own, exactly once, with the id type it sent. */
function assertOnlyOwnAnswers(p: Participant): void {
  const who = describeParticipant(p);
  const { client } = p;
  assert.deepEqual(client.problems, [], `${who}: wire problems`);
  const responses = client.responses();
  const expectedIds = Array.from({ length: PING_ID }, (_, k) => p.id(k + 1));
  assert.deepEqual(
    responses.map((m) => m.id).sort((a, b) => Number(a) - Number(b)),
    expectedIds,
    `${who}: one response per request, ids of the same type as sent`,
  );
  for (const response of responses) assert.equal(response.error, undefined, `${who}: no error in ${JSON.stringify(response)}`);
  for (let k = 2; k < ECHOES + 2; k++) {
    const response = responses.find((m) => m.id === p.id(k));
    const text = `${p.token}/${k}`;
    assert.deepEqual(response?.result?.structuredContent, { text, pid: p.pid }, `${who}: echo #${k} is its own, from its own child`);
  }
  const progressResult = responses.find((m) => m.id === p.id(PROGRESS_ID))?.result;
  assert.deepEqual(progressResult?.structuredContent, { sent: PROGRESS_COUNT, tag: p.token, pid: p.pid }, `${who}: progress result`);
  assert.deepEqual(
    progressOf(p),
    Array.from({ length: PROGRESS_COUNT }, (_, k) => ({
      progressToken: p.id(PROGRESS_ID),
      progress: k + 1,
      total: PROGRESS_COUNT,
      message: `${p.token} ${k + 1}/${PROGRESS_COUNT}`,
    })),
    `${who}: exactly its own progress notifications, token type preserved`,
  );
  const unexpected = client.inbox.filter((m) => !isResponse(m) && m.method !== 'notifications/progress');
  assert.deepEqual(unexpected, [], `${who}: nothing else arrived`);
  const tokens = new Set(JSON.stringify(client.inbox).match(TOKEN_PATTERN));
  assert.deepEqual([...tokens], [p.token], `${who}: no other client's token in anything it received`);
}

async function runScenario(bridge: RunningBridge, count: number, opened: Set<Participant>): Promise<Participant[]> {
  const participants = Array.from({ length: count }, (_, i) => participant(bridge.url, i));
  participants.forEach((p) => opened.add(p));
  await Promise.all(participants.map(open));
  const pids = participants.map((p) => p.pid!);
  assert.equal(new Set(pids).size, count, `each session has its own child: ${pids.join(' ')}`);
  const children = bridge.children();
  for (const pid of pids) assert.ok(children.includes(pid), `child ${pid} is a descendant of the bridge (${children.join(' ')})`);
  await Promise.all(participants.map(exercise));
  participants.forEach(assertOnlyOwnAnswers);
  return participants;
}

/** The HTTP status a lone ping POSTed to `url` gets (the body, possibly an SSE stream, is dropped unread). */
async function postStatus(url: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'ping' }),
    signal: AbortSignal.timeout(5_000),
  });
  await response.body?.cancel();
  return response.status;
}

/** Ends a session the way its client would, and waits for its child to go. */
async function leave(p: Participant, opened: Set<Participant>): Promise<void> {
  opened.delete(p);
  await p.client.close();
  await waitFor(() => !isAlive(p.pid!), { what: `child ${p.pid} of ${describeParticipant(p)} to end`, timeoutMs: 15_000 });
}

describe('session isolation through one bridge', { timeout: 180_000 }, () => {
  let bridge: RunningBridge;
  const opened = new Set<Participant>();
  const everyPid = new Set<number>();
  const remember = (participants: Participant[]): void => participants.forEach((p) => p.pid && everyPid.add(p.pid));

  before(async () => {
    bridge = await startBridge(['--stdio', fixtureCommand('test-server')]);
  });

  after(async () => {
    await Promise.allSettled([...opened].map((p) => p.client.close()));
    if (!bridge) return;
    const code = await bridge.stop();
    assert.equal(code, 0, `bridge exit code; stderr:\n${bridge.stderr()}`);
    assert.deepEqual([...everyPid].filter(isAlive), [], 'no child outlives the bridge');
  });

  test('two clients with colliding ids (number ids over Streamable HTTP, string ids over SSE) each get only their own answers, exactly once', async () => {
    const participants = await runScenario(bridge, 2, opened);
    remember(participants);
    await Promise.all(participants.map((p) => leave(p, opened)));
  });

  test('DELETE /mcp ends the session: from its answer on the session id is unknown (404), and its child is killed', async () => {
    const p = participant(bridge.url, 0);
    opened.add(p);
    const pid = await open(p);
    everyPid.add(pid);
    const client = p.client as StreamableRawClient;
    assert.ok(client.sessionId, 'initialize answered with an Mcp-Session-Id');
    const headers = client.headers();
    opened.delete(p);
    const status = await client.terminate();
    assert.ok(status === 200 || status === 204, `DELETE /mcp answered ${status}`);
    // The spec: once a session is terminated, requests carrying its id MUST be answered 404.
    assert.equal(await postStatus(client.endpoint, headers), 404, 'a request right after DELETE is answered 404');
    await waitFor(() => !isAlive(pid), { what: `child ${pid} to end after DELETE` });
  });

  test('closing the legacy SSE stream ends the session: its child is killed and its endpoint no longer accepts messages', async () => {
    const p = participant(bridge.url, 1);
    opened.add(p);
    const pid = await open(p);
    everyPid.add(pid);
    const endpoint = (p.client as SseRawClient).endpoint!;
    await leave(p, opened);
    // The server learns of the disconnect asynchronously, so its endpoint only has to refuse messages eventually.
    const headers = { 'content-type': 'application/json' };
    await waitFor(async () => (await postStatus(endpoint, headers)) === 404, { what: 'the closed session endpoint to answer 404' });
  });

  test('32 concurrent clients with colliding ids, over both transports, each get only their own answers, exactly once', async () => {
    const participants = await runScenario(bridge, 32, opened);
    remember(participants);
    await Promise.all(participants.map((p) => leave(p, opened)));
    await waitFor(() => bridge.children().length === 0, { what: 'the bridge to have no children once every session ended' });
  });

  test('a child that crashes mid-request fails that request, ends only its own session, and leaves the others working', async () => {
    const [victim, bystander] = [participant(bridge.url, 2), participant(bridge.url, 3)];
    [victim, bystander].forEach((p) => opened.add(p));
    await Promise.all([open(victim), open(bystander)]);
    remember([victim, bystander]);
    const answer = await victim.client.request(victim.id(2), 'tools/call', { name: 'crash', arguments: {} });
    assert.equal(answer.id, victim.id(2), 'the failed request is answered with its own id');
    assert.ok(answer.error, `the request whose child crashed gets a JSON-RPC error: ${JSON.stringify(answer)}`);
    await waitFor(() => !isAlive(victim.pid!), { what: 'the crashed child to be gone' });
    const victimClient = victim.client as StreamableRawClient;
    const headers = victimClient.headers();
    await waitFor(async () => (await postStatus(victimClient.endpoint, headers)) === 404, { what: 'the crashed session to be unknown (404)' });
    const echo = await bystander.client.request(bystander.id(2), 'tools/call', { name: 'echo', arguments: { text: bystander.token } });
    assert.deepEqual(echo.result?.structuredContent, { text: bystander.token, pid: bystander.pid });
    assert.ok(isAlive(bystander.pid!), 'the other session keeps its child');
    opened.delete(victim);
    await victim.client.close().catch(() => {});
    await leave(bystander, opened);
  });

  test('on SIGTERM the bridge ends every open session, kills their children and exits 0', async () => {
    const participants = [participant(bridge.url, 0), participant(bridge.url, 1)];
    participants.forEach((p) => opened.add(p));
    await Promise.all(participants.map(open));
    remember(participants);
    const family = bridge.children();
    assert.ok(family.length >= 2, `the bridge has its session children: ${family.join(' ')}`);
    const code = await bridge.stop();
    assert.equal(code, 0, `bridge exit code; stderr:\n${bridge.stderr()}`);
    await waitFor(() => family.every((pid) => !isAlive(pid)), { what: 'every descendant of the bridge to be gone' });
    for (const p of participants) opened.delete(p);
    await Promise.allSettled(participants.map((p) => p.client.close()));
  });
});
