/**
 * Draining a replica of a cluster (SIGTERM, as a rolling restart or a scale-down sends it): it
 * leaves the registry and turns /readyz to 503 first, takes no new sessions, answers the call in
 * flight, then closes its sessions and exits 0 within the deadline; its peers stop forwarding to it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningBridge } from '../helpers/bridge.js';
import { readiness, startRedisCluster, type RedisCluster } from '../helpers/cluster.js';
import { callTool, initializeRequest, messagesOf, openStreamableSession, post } from '../helpers/http.js';
import { isAlive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

describe('a replica of two draining on SIGTERM', () => {
  let cluster: RedisCluster;
  let replicas: RunningBridge[] = [];

  before(async () => {
    cluster = await startRedisCluster(2);
    replicas = cluster.replicas;
  });

  after(() => cluster.stop());

  test('leaves the registry and turns /readyz 503 first, refuses new sessions, answers the call in flight, then exits 0 within the deadline', { timeout: 60_000 }, async () => {
    const [stay, leave] = replicas as [RunningBridge, RunningBridge];
    const session = await openStreamableSession(leave.url);
    // A call of 1.5 s in flight on the draining replica.
    const slow = post(`${leave.url}/mcp`, callTool(1, 'slow', { ms: 1500 }), session.headers).then(messagesOf);
    await waitFor(async () => (await readiness(leave.url)).body.sessions === 1, { what: 'the session to be live' });
    const family = leave.children();
    const signalled = Date.now();
    const exited = leave.stop('SIGTERM');

    await waitFor(async () => (await readiness(leave.url)).status === 503, { intervalMs: 10, what: '/readyz to turn 503' });
    await waitFor(async () => (await readiness(stay.url)).body.cluster?.replicas === 1, { what: 'the peer to see it gone' });
    const refused = await post(`${leave.url}/mcp`, initializeRequest());
    assert.equal(refused.status, 503, 'no new session on a draining replica');
    // Its sessions are no longer forwarded to: the spec's 404 tells their clients to start over elsewhere.
    assert.equal((await post(`${stay.url}/mcp`, callTool(2, 'echo', { text: 'x' }), session.headers)).status, 404);

    const [answer] = await slow;
    assert.ok(answer?.result, `the call in flight was answered: ${JSON.stringify(answer)}`);
    assert.equal(await exited, 0);
    assert.ok(Date.now() - signalled < 10_000, 'exited within the deadline');
    await waitFor(() => family.every((pid) => !isAlive(pid)), { what: 'its servers to exit' });
    replicas = [stay];
  });
});
