/**
 * Scale-out failure: one of three replicas behind nginx is killed with SIGKILL while every session
 * is busy. Requests for its sessions are answered (404 SESSION_NOT_FOUND, the spec's signal to
 * start over, or a JSON-RPC error) within 2 s, never left waiting; the other replicas' sessions go
 * on untouched, and new sessions open.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningBridge } from '../helpers/bridge.js';
import { readiness, startNginxCluster, type NginxCluster } from '../helpers/cluster.js';
import { callTool, messagesOf, openStreamableSession, post } from '../helpers/http.js';
import { isAlive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

/** Sessions under load when the replica dies: the 64 of the round-robin test's session-era kind. */
const SESSIONS = 64;
/** Calls each surviving session must complete after the kill before the load stops. */
const ROUNDS_AFTER_KILL = 3;

type Outcome = { kind: 'answer'; text: string } | { kind: 'refused'; status: number } | { kind: 'rpc-error'; code: number } | { kind: 'broken'; why: string };

/** One echo call through `url`, answered or refused within `limitMs` (a timeout fails the test: that would be silence). */
async function call(url: string, headers: Record<string, string>, id: number, text: string, limitMs: number): Promise<Outcome> {
  try {
    const response = await post(`${url}/mcp`, callTool(id, 'echo', { text }), headers, AbortSignal.timeout(limitMs));
    if (response.status !== 200) return (await response.body?.cancel(), { kind: 'refused', status: response.status });
    const answer = (await messagesOf(response)).find((message) => message.id === id);
    if (answer?.error) return { kind: 'rpc-error', code: (answer.error as { code: number }).code };
    return { kind: 'answer', text: (answer?.result as { structuredContent: { text: string } }).structuredContent.text };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') throw new Error(`no answer within ${limitMs} ms`);
    return { kind: 'broken', why: String(error) };
  }
}

describe('one of three replicas behind nginx killed under load', () => {
  let cluster: NginxCluster;
  let nginx: NginxCluster['nginx'];
  let replicas: RunningBridge[] = [];

  before(async () => {
    cluster = await startNginxCluster();
    ({ nginx, replicas } = cluster);
  });

  after(() => cluster.stop());

  test("its sessions get 404 or a JSON-RPC error within 2 s, never silence; the others' sessions are untouched; new sessions succeed", { timeout: 120_000 }, async () => {
    const sessions = await Promise.all(Array.from({ length: SESSIONS }, () => openStreamableSession(nginx.url)));
    const ids = await Promise.all(replicas.map(async (replica) => (await readiness(replica.url)).body.cluster!.replica));
    // The victim: the replica owning the most sessions.
    const owned = (index: number) => sessions.filter((session) => session.sessionId.startsWith(`${ids[index]}.`));
    const victim = [0, 1, 2].sort((x, y) => owned(y).length - owned(x).length)[0]!;
    const doomed = owned(victim);
    const survivors = sessions.filter((session) => !doomed.includes(session));
    assert.ok(doomed.length > 0 && survivors.length > 0, 'sessions are spread over the replicas');

    // Load: every session calls again and again until told to stop.
    let killedAt = Infinity;
    let running = true;
    const late: string[] = [];
    const progress = sessions.map(() => ({ rounds: 0, afterKill: 0, ended: false }));
    const loads = sessions.map(async (session, index) => {
      const outcomes: { started: number; outcome: Outcome }[] = [];
      const own = progress[index]!;
      for (let round = 1; running; round++) {
        const started = Date.now();
        const outcome = await call(nginx.url, session.headers, round, `s${index}#${round}`, 2000);
        if (started > killedAt && Date.now() - started > 2000) late.push(`session ${index} round ${round}`);
        outcomes.push({ started, outcome });
        own.rounds++;
        if (started > killedAt + 100) own.afterKill++;
        if (outcome.kind === 'answer') assert.equal(outcome.text, `s${index}#${round}`, 'cross-talk');
        if (started > killedAt && outcome.kind !== 'answer' && doomed.includes(session)) break;
      }
      own.ended = true;
      return outcomes;
    });
    await waitFor(() => progress.every((own) => own.rounds >= 2), { what: 'every session to be calling', timeoutMs: 30_000 }).catch((error: unknown) => {
      running = false;
      throw error;
    });
    const orphans = replicas[victim]!.children();
    const killing = Date.now();
    await replicas[victim]!.stop('SIGKILL');
    // From the moment it is gone (its exit seen); requests already on their way may be lost with it.
    killedAt = Date.now();
    assert.ok(killedAt - killing < 1000);
    // Every session of the killed replica refused, every other session a few rounds further, then the load stops.
    try {
      await waitFor(() => sessions.every((session, index) => (doomed.includes(session) ? progress[index]!.ended : progress[index]!.afterKill >= ROUNDS_AFTER_KILL)), {
        what: 'the sessions of the killed replica to be refused and the others to go on',
        timeoutMs: 30_000,
      });
    } finally {
      running = false;
    }
    const results = await Promise.all(loads);

    assert.deepEqual(late, [], 'every request after the kill was answered within 2 s');
    results.forEach((outcomes, index) => {
      const session = sessions[index]!;
      const last = outcomes.at(-1)!.outcome;
      if (doomed.includes(session)) {
        assert.ok(last.kind === 'refused' ? last.status === 404 : last.kind === 'rpc-error', `a session of the killed replica ended with ${JSON.stringify(last)}`);
      } else {
        // A request passing through the killed replica as it died is lost with it (nginx answers 502, having sent it);
        // every later one is answered (nginx drops its keep-alive connections to the dead replica within moments).
        const after = outcomes.filter(({ started }) => started > killedAt + 100).map(({ outcome }) => outcome);
        assert.ok(after.length > 0 && after.every((outcome) => outcome.kind === 'answer'), `a surviving session saw ${JSON.stringify(after.filter((o) => o.kind !== 'answer'))}`);
      }
    });
    // New sessions open (nginx may still try the dead replica first: it moves on), and work.
    for (let i = 0; i < 4; i++) {
      const fresh = await openStreamableSession(nginx.url);
      assert.deepEqual(await call(nginx.url, fresh.headers, 1, `fresh${i}`, 2000), { kind: 'answer', text: `fresh${i}` });
    }
    // The killed replica's servers see their stdin close and exit.
    await waitFor(() => orphans.every((pid) => !isAlive(pid)), { what: "the killed replica's servers to exit" });
    replicas = replicas.filter((_, index) => index !== victim);
  });
});
