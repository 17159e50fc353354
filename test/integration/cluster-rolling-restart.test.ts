/**
 * A rolling restart under load: three replicas behind nginx round-robin with a Redis registry are
 * SIGTERMed one at a time, each restarted on its own port (and registered) before the next, while
 * clients call in a loop. Every call a replica accepted is answered exactly once with its own
 * answer; a session whose replica drained gets 404 and its client opens a new one elsewhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { clusterSecret, readiness, waitRegistered } from '../helpers/cluster.js';
import { startNginx, startRedis } from '../helpers/clusterInfra.js';
import { fixtureCommand } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { HttpStatusError, StreamableRawClient } from '../helpers/rawClients.js';
import { waitFor } from '../helpers/wait.js';

const CLIENTS = 6;
/** Bounds of each client's loop: calls, and time (the restarts end well before). */
const MAX_CALLS = 5000;
const MAX_LOOP_MS = 90_000;

/** What one client saw. */
interface Tally {
  answered: number;
  reopened: number;
  /**
   * Calls refused before a replica accepted them, sent again: 503 from a draining replica (a new
   * session), 502 from nginx while every replica it has marked failed is still out (fail_timeout).
   */
  refused: number;
}

/** Calls echo in a loop through `url` until `done()`; reopens its session on 404; checks each answer is its own and single. */
async function callInLoop(url: string, index: number, done: () => boolean): Promise<Tally> {
  const tally: Tally = { answered: 0, reopened: 0, refused: 0 };
  const started = Date.now();
  let client: StreamableRawClient | undefined;
  let next = 1;
  try {
    for (let call = 0; call < MAX_CALLS && !done() && Date.now() - started < MAX_LOOP_MS; call++) {
      try {
        if (!client) {
          client = new StreamableRawClient(url);
          await client.initialize(0, `client-${index}`);
        }
        const id = next++;
        const text = `client-${index}#${id}`;
        const answer = await client.request(id, 'tools/call', { name: 'echo', arguments: { text } });
        assert.equal((answer.result as { structuredContent?: { text?: string } } | undefined)?.structuredContent?.text, text, `cross-talk or an error: ${JSON.stringify(answer)}`);
        assert.equal(client.responses().filter((response) => response.id === id).length, 1, `call ${id} answered more than once`);
        assert.deepEqual(client.problems, []);
        tally.answered++;
      } catch (error) {
        if (!(error instanceof HttpStatusError)) throw error;
        if (error.status === 404) {
          // The replica owning the session drained: the spec's signal to start a new session.
          tally.reopened++;
          await client?.close().catch(() => undefined);
          client = undefined;
        } else if (error.status === 502 || error.status === 503) {
          tally.refused++;
          if (client?.sessionId === undefined) client = undefined;
        } else throw error;
      }
    }
  } finally {
    await client?.close().catch(() => undefined);
  }
  return tally;
}

test('a rolling restart of three replicas under load: every accepted call answered exactly once, drained sessions reopened elsewhere', { timeout: 180_000 }, async (t) => {
  const redis = await startRedis();
  const args = ['--clusterSecret', clusterSecret, '--redis', `redis://127.0.0.1:${redis.port}`, '--stdio', fixtureCommand('test-server')];
  const replicas: RunningBridge[] = [];
  let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
  try {
    for (let i = 0; i < 3; i++) replicas.push(await startBridge(args));
    const ports = replicas.map((replica) => Number(new URL(replica.url).port));
    await waitRegistered(replicas);
    nginx = await startNginx(ports);

    let restarted = false;
    const load = Array.from({ length: CLIENTS }, (_, index) => callInLoop(nginx!.url, index, () => restarted));
    // Some calls first, so that every replica holds sessions when it is told to drain.
    await waitFor(async () => (await Promise.all(replicas.map(async (replica) => (await readiness(replica.url)).body.sessions))).every((sessions) => sessions > 0), { what: 'sessions on every replica' });
    for (let i = 0; i < replicas.length; i++) {
      const old = replicas[i]!;
      const family = [old.pid, ...old.children()];
      assert.equal(await old.stop('SIGTERM'), 0, 'the replica drained and exited 0');
      await waitFor(() => family.every((pid) => !isAlive(pid)), { what: 'its processes to exit' });
      replicas[i] = await startBridge(['--port', String(ports[i]), ...args]);
      await waitRegistered([replicas[i]!], 3);
    }
    restarted = true;
    const tallies = await Promise.all(load);
    const total = tallies.reduce((sum, tally) => ({ answered: sum.answered + tally.answered, reopened: sum.reopened + tally.reopened, refused: sum.refused + tally.refused }));
    t.diagnostic(`calls answered ${total.answered}, sessions reopened ${total.reopened}, refused and sent again ${total.refused}`);
    assert.ok(total.answered > CLIENTS * 3, `calls were answered throughout (${JSON.stringify(total)})`);
    assert.ok(total.reopened >= 1, `sessions of drained replicas were reopened elsewhere (${JSON.stringify(total)})`);
  } finally {
    await nginx?.stop();
    const families = replicas.map((replica) => [replica.pid, ...replica.children()]);
    for (const replica of replicas) await replica.stop();
    await redis.stop();
    assert.deepEqual(families.flat().filter(isAlive), [], 'no replica or server process left');
  }
});
