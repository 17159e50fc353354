/**
 * Scale-out without its registry: Redis stopped mid-run. The replicas keep serving their
 * established sessions across each other with the registry they last saw, say so in /readyz
 * (still 200, `cluster.state` "unreachable") and in the log; once Redis is back (empty, on the same
 * port) every replica registers again and the registry is whole. A replica whose entry expires while it
 * lives on (paused) keeps its sessions.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningBridge } from '../helpers/bridge.js';
import { forwardedTotal, readiness, startReplicas, stopReplicas, waitRegistered } from '../helpers/cluster.js';
import { startRedis, type Started } from '../helpers/clusterInfra.js';
import { callTool, messagesOf, openStreamableSession, post } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

/** One echo call on `url` for a session; returns the text answered (or the HTTP status when refused). */
async function echo(url: string, headers: Record<string, string>, text: string): Promise<string> {
  const response = await post(`${url}/mcp`, callTool(1, 'echo', { text }), headers);
  if (response.status !== 200) return `HTTP ${response.status}`;
  const [answer] = await messagesOf(response);
  return (answer?.result as { structuredContent: { text: string } }).structuredContent.text;
}

describe('three replicas whose Redis registry goes away and comes back', () => {
  let redis: Started;
  let replicas: RunningBridge[] = [];
  const redisUrl = () => `redis://127.0.0.1:${redis.port}`;

  before(async () => {
    redis = await startRedis();
    replicas = await startReplicas(3, ['--redis', redisUrl()]);
    await waitRegistered(replicas);
  });

  after(async () => {
    await stopReplicas(replicas);
    await redis.stop();
  });

  test('with Redis stopped, established sessions keep working across replicas, and /readyz (still 200) and the log say the registry is unreachable; back, the registry is whole again', { timeout: 60_000 }, async () => {
    // Two sessions opened on each replica.
    const sessions = await Promise.all(replicas.flatMap((replica) => [openStreamableSession(replica.url), openStreamableSession(replica.url)]));
    const port = redis.port;
    await redis.stop();

    for (const replica of replicas) {
      const seen = await waitFor(async () => {
        const { status, body } = await readiness(replica.url);
        return body.cluster?.state === 'unreachable' ? { status, body } : undefined;
      }, { what: 'the replica to notice Redis is gone' });
      assert.equal(seen.status, 200);
      assert.equal(seen.body.status, 'ready');
      assert.equal(seen.body.cluster?.replicas, 3, 'it keeps the replicas it last saw');
      assert.ok(seen.body.cluster?.since);
      await waitFor(() => replica.stderr().includes('the replica registry (Redis) cannot be reached'), { what: 'the log line' });
    }

    const before = await forwardedTotal(replicas.map((replica) => replica.url));
    for (const [index, session] of sessions.entries()) {
      for (const replica of replicas) assert.equal(await echo(replica.url, session.headers, `s${index} via ${replica.url}`), `s${index} via ${replica.url}`);
    }
    assert.ok((await forwardedTotal(replicas.map((replica) => replica.url))) >= before + sessions.length * 2, 'requests were forwarded without Redis');

    // Redis comes back empty on the same port: every replica registers again.
    redis = await startRedis(port);
    for (const replica of replicas) {
      await waitFor(async () => (await readiness(replica.url)).body.cluster?.state === 'ok', { what: 'the replica to reach Redis again' });
      await waitFor(() => replica.stderr().includes('the replica registry (Redis) is reachable again'), { what: 'the log line' });
    }
    // A replica started now knows only what Redis tells it: the registry is whole again if it sees all four.
    const late = (await startReplicas(1, ['--redis', redisUrl()]))[0]!;
    replicas.push(late);
    await waitFor(async () => (await readiness(late.url)).body.cluster?.replicas === 4, { what: 'the new replica to see every replica' });
    for (const [index, session] of sessions.entries()) assert.equal(await echo(late.url, session.headers, `s${index} via the newcomer`), `s${index} via the newcomer`);
  });

  test("a replica paused past its entry's expiry (SIGSTOP, as a long-lagging event loop) keeps its sessions: a request forwarded to it meanwhile is answered once it resumes", { timeout: 60_000 }, async () => {
    const [owner, peer] = replicas as [RunningBridge, RunningBridge];
    const session = await openStreamableSession(owner.url);
    const live = replicas.length;
    const forwardedBefore = await forwardedTotal([peer.url]);
    let answered: Promise<string> | undefined;
    process.kill(owner.pid, 'SIGSTOP');
    try {
      await waitFor(async () => (await readiness(peer.url)).body.cluster?.replicas === live - 1, { what: "the paused replica's entry to expire", timeoutMs: 20_000 });
      answered = echo(peer.url, session.headers, 'still here');
      await waitFor(async () => (await forwardedTotal([peer.url])) > forwardedBefore, { what: 'the request to be forwarded to the paused replica' });
    } finally {
      process.kill(owner.pid, 'SIGCONT');
    }
    assert.equal(await answered, 'still here');
    await waitFor(async () => (await readiness(peer.url)).body.cluster?.replicas === live, { what: 'the resumed replica back in the registry' });
  });
});
