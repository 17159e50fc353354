/**
 * Scale-out failure: one of three replicas behind nginx is killed with SIGKILL while 64 legacy SSE and 64
 * session-era Streamable HTTP sessions and 8 2026-07-28 clients are busy. Requests for its sessions are
 * answered (404 SESSION_NOT_FOUND, the spec's signal to start over, or a JSON-RPC error; a legacy client's
 * stream ends) within 2 s, never left waiting; the other replicas' sessions go on untouched, and new
 * sessions open.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningBridge } from '../helpers/bridge.js';
import { modernCall, modernEnvelope, readiness, startNginxCluster, type NginxCluster } from '../helpers/cluster.js';
import { callTool, messagesOf, openLegacySseSession, openStreamableSession, post, type LegacySseSession } from '../helpers/http.js';
import { isAlive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

/** Sessions of each kind under load when the replica dies (the round-robin test's 64). */
const PER_KIND = 64;
/**
 * 2026-07-28 clients calling in a loop beside them. In per-session mode each 2026-07-28 call runs in a virtual
 * session with a server process of its own unless one of the few kept ones is free, so 64 such loops would keep
 * about 60 processes starting at any moment on the test machine's 2 cores: 8 keep that kind busy too.
 */
const MODERN_CLIENTS = 8;
/** Calls each surviving client must complete after the kill before the load stops. */
const ROUNDS_AFTER_KILL = 3;
/** The longest a request for a session of the killed replica, sent after the kill, may wait for its answer or refusal. */
const LIMIT_MS = 2000;
/** The bound for every other request, when 136 busy clients on 2 cores may wait longer. */
const LOADED_LIMIT_MS = 30_000;

type Outcome = { kind: 'answer'; text: string } | { kind: 'refused'; status: number } | { kind: 'rpc-error'; code: number } | { kind: 'stream-ended' } | { kind: 'broken'; why: string };

/** One client of the load: which replica owns it (undefined: a 2026-07-28 client, owned by none), and one call. */
interface Caller {
  readonly owner: string | undefined;
  /** Calls echo; a request left unanswered for `limitMs` fails the test. */
  call(id: number, text: string, limitMs: number): Promise<Outcome>;
  close(): void;
}

function silence(limitMs: number): never {
  throw new Error(`no answer within ${limitMs} ms`);
}

/** The outcome of a Streamable HTTP POST answered with JSON-RPC. */
async function answerOf(response: Response, id: number): Promise<Outcome> {
  if (response.status !== 200) return (await response.body?.cancel(), { kind: 'refused', status: response.status });
  const answer = (await messagesOf(response)).find((message) => message.id === id);
  if (answer?.error) return { kind: 'rpc-error', code: (answer.error as { code: number }).code };
  return { kind: 'answer', text: (answer?.result as { structuredContent: { text: string } }).structuredContent.text };
}

/** Runs `attempt`, turning a timeout into a failure (silence) and any other error into a `broken` outcome. */
async function bounded(limitMs: number, attempt: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await attempt();
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') silence(limitMs);
    return { kind: 'broken', why: String(error) };
  }
}

async function streamableCaller(url: string): Promise<Caller> {
  const session = await openStreamableSession(url);
  return {
    owner: session.sessionId.split('.')[0],
    call: (id, text, limitMs) => bounded(limitMs, async () => answerOf(await post(`${url}/mcp`, callTool(id, 'echo', { text }), session.headers, AbortSignal.timeout(limitMs)), id)),
    close: () => undefined,
  };
}

/** A legacy SSE session: the call's POST is accepted (202) or refused, and its answer comes on the stream, or the stream ends. */
async function legacyCaller(url: string): Promise<Caller> {
  const session: LegacySseSession = await openLegacySseSession(url);
  const init = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'kill-test', version: '1' } } };
  await post(session.postUrl, init);
  await waitFor(() => session.reader.messages().some((message) => message.id === 0), { what: 'the initialize answer on the SSE stream' });
  await post(session.postUrl, { jsonrpc: '2.0', method: 'notifications/initialized' });
  // Each event of the stream is parsed once, however long the stream gets (136 clients poll at once).
  const answers = new Map<unknown, Record<string, unknown>>();
  let parsed = 0;
  const answerTo = (id: number): Record<string, unknown> | undefined => {
    for (const events = session.reader.events; parsed < events.length; parsed++) {
      const event = events[parsed]!;
      if (event.event !== 'message') continue;
      const message = JSON.parse(event.data) as Record<string, unknown>;
      answers.set(message.id, message);
    }
    return answers.get(id);
  };
  const call = async (id: number, text: string, limitMs: number): Promise<Outcome> => {
    const started = Date.now();
    const accepted = await post(session.postUrl, callTool(id, 'echo', { text }), {}, AbortSignal.timeout(limitMs));
    await accepted.body?.cancel();
    if (accepted.status !== 202) return { kind: 'refused', status: accepted.status };
    const settled = await waitFor(() => answerTo(id) ?? (session.reader.closed ? 'ended' : undefined), {
      what: `the answer to ${id}`,
      timeoutMs: Math.max(1, limitMs - (Date.now() - started)),
    }).catch(() => silence(limitMs));
    if (settled === 'ended') return { kind: 'stream-ended' };
    return { kind: 'answer', text: (settled.result as { structuredContent: { text: string } }).structuredContent.text };
  };
  return { owner: session.sessionId.split('.')[0], call: (id, text, limitMs) => bounded(limitMs, () => call(id, text, limitMs)), close: () => session.close() };
}

/** A 2026-07-28 client: no session, so any replica answers its calls. */
function modernCaller(url: string, name: string): Caller {
  const envelope = modernEnvelope(name);
  return {
    owner: undefined,
    call: (id, text, limitMs) =>
      bounded(limitMs, async () => {
        const { answer } = await modernCall(url, id, 'echo', { arguments: { text }, _meta: envelope }, AbortSignal.timeout(limitMs));
        if (answer.error) return { kind: 'rpc-error', code: (answer.error as { code: number }).code };
        return { kind: 'answer', text: (answer.result as { structuredContent: { text: string } }).structuredContent.text };
      }),
    close: () => undefined,
  };
}

describe('one of three replicas behind nginx killed under load', () => {
  let cluster: NginxCluster;
  let nginx: NginxCluster['nginx'];
  let replicas: RunningBridge[] = [];
  const callers: Caller[] = [];
  // The load loops run while this is set: cleared when they are done, when one fails, and when the suite ends.
  let running = true;

  before(async () => {
    cluster = await startNginxCluster();
    ({ nginx, replicas } = cluster);
  });

  after(async () => {
    running = false;
    callers.forEach((caller) => caller.close());
    await cluster.stop();
  });

  test("its sessions get 404 or a JSON-RPC error within 2 s, never silence; the others' sessions are untouched; new sessions succeed", { timeout: 180_000 }, async () => {
    for (let i = 0; i < MODERN_CLIENTS; i++) callers.push(modernCaller(nginx.url, `modern-${i}`));
    callers.push(...(await Promise.all(Array.from({ length: PER_KIND }, () => streamableCaller(nginx.url)))));
    callers.push(...(await Promise.all(Array.from({ length: PER_KIND }, () => legacyCaller(nginx.url)))));
    const ids = await Promise.all(replicas.map(async (replica) => (await readiness(replica.url)).body.cluster!.replica));
    // The victim: the replica owning the most sessions.
    const owned = (index: number) => callers.filter((caller) => caller.owner === ids[index]).length;
    const victim = [0, 1, 2].sort((x, y) => owned(y) - owned(x))[0]!;
    const doomed = (caller: Caller) => caller.owner === ids[victim];
    assert.ok(callers.some(doomed) && callers.some((caller) => caller.owner !== undefined && !doomed(caller)), 'sessions are spread over the replicas');

    // Load: every client calls again and again until told to stop.
    let killedAt = Infinity;
    const late: string[] = [];
    const progress = callers.map(() => ({ rounds: 0, afterKill: 0, ended: false }));
    const loads = callers.map(async (caller, index) => {
      const outcomes: { started: number; outcome: Outcome }[] = [];
      const own = progress[index]!;
      for (let round = 1; running; round++) {
        const started = Date.now();
        // The 2 s bound is for the killed replica's sessions; the others are only slowed by the load.
        const bounded = started > killedAt && doomed(caller);
        const outcome = await caller.call(round, `c${index}#${round}`, bounded ? LIMIT_MS : LOADED_LIMIT_MS).catch((error: Error) => {
          throw new Error(`client ${index} (${caller.owner === undefined ? '2026-07-28' : doomed(caller) ? 'of the killed replica' : 'of a surviving replica'}), round ${round}: ${error.message}`);
        });
        if (bounded && Date.now() - started > LIMIT_MS) late.push(`client ${index} round ${round}`);
        outcomes.push({ started, outcome });
        own.rounds++;
        if (started > killedAt + 100) own.afterKill++;
        if (outcome.kind === 'answer') assert.equal(outcome.text, `c${index}#${round}`, 'cross-talk');
        if (started > killedAt && outcome.kind !== 'answer' && doomed(caller)) break;
      }
      own.ended = true;
      return outcomes;
    });
    loads.forEach((load) => load.catch(() => (running = false)));
    const stopLoad = (error: unknown): never => {
      running = false;
      throw error;
    };
    await waitFor(() => progress.every((own) => own.rounds >= 2), { what: 'every client to be calling', timeoutMs: 60_000 }).catch(stopLoad);
    const orphans = replicas[victim]!.children();
    await replicas[victim]!.stop('SIGKILL');
    // From the moment it is gone (its exit seen); requests already on their way may be lost with it.
    killedAt = Date.now();
    // Every session of the killed replica refused, every other client a few rounds further, then the load stops.
    await waitFor(() => callers.every((caller, index) => (doomed(caller) ? progress[index]!.ended : progress[index]!.afterKill >= ROUNDS_AFTER_KILL)), {
      what: 'the sessions of the killed replica to be refused and the other clients to go on',
      timeoutMs: 60_000,
    }).then(() => (running = false), stopLoad);
    const results = await Promise.all(loads);

    assert.deepEqual(late, [], 'every request for a session of the killed replica was answered within 2 s');
    results.forEach((outcomes, index) => {
      const caller = callers[index]!;
      const last = outcomes.at(-1)!.outcome;
      if (doomed(caller)) {
        const ended = last.kind === 'refused' ? last.status === 404 : last.kind === 'rpc-error' || last.kind === 'stream-ended';
        assert.ok(ended, `a session of the killed replica ended with ${JSON.stringify(last)}`);
      } else {
        // A request passing through the killed replica as it died is lost with it (nginx answers 502, having sent it);
        // every later one is answered (nginx drops its keep-alive connections to the dead replica within moments).
        const after = outcomes.filter(({ started }) => started > killedAt + 100).map(({ outcome }) => outcome);
        assert.ok(after.length > 0 && after.every((outcome) => outcome.kind === 'answer'), `client ${index} saw ${JSON.stringify(after.filter((o) => o.kind !== 'answer'))}`);
      }
    });
    // New sessions open (nginx may still try the dead replica first: it moves on), and work.
    for (let i = 0; i < 4; i++) {
      const fresh = await streamableCaller(nginx.url);
      assert.deepEqual(await fresh.call(1, `fresh${i}`, LIMIT_MS), { kind: 'answer', text: `fresh${i}` });
    }
    // The killed replica's servers see their stdin close and exit.
    await waitFor(() => orphans.every((pid) => !isAlive(pid)), { what: "the killed replica's servers to exit" });
    replicas = replicas.filter((_, index) => index !== victim);
  });
});
