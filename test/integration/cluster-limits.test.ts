/**
 * Cluster-wide limits with a Redis registry: `--maxSessions` counts the sessions of every replica
 * (the next one is refused with 503 wherever it lands, and a closed one frees its place), `--rateLimit`
 * counts the requests of every replica, and while Redis is away each replica counts locally and says so.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningBridge } from '../helpers/bridge.js';
import { readiness, startNginxCluster, startRedisCluster, type NginxCluster, type RedisCluster } from '../helpers/cluster.js';
import { HttpStatusError, StreamableRawClient } from '../helpers/rawClients.js';
import { waitFor } from '../helpers/wait.js';

const MAX_SESSIONS = 4;

/** Tries to open a session at `url`: the client when it opened, else the HTTP status it was refused with. */
async function open(url: string, name: string): Promise<StreamableRawClient | number> {
  const client = new StreamableRawClient(url);
  try {
    await client.initialize(0, name);
    return client;
  } catch (error) {
    await client.close().catch(() => undefined);
    if (error instanceof HttpStatusError) return error.status;
    throw error;
  }
}

describe(`--maxSessions ${MAX_SESSIONS} over three replicas behind nginx, with Redis`, () => {
  let cluster: NginxCluster;
  let nginx: NginxCluster['nginx'];
  let replicas: RunningBridge[] = [];
  const clients: StreamableRawClient[] = [];

  before(async () => {
    cluster = await startNginxCluster(['--maxSessions', String(MAX_SESSIONS)]);
    ({ nginx, replicas } = cluster);
  });

  after(async () => {
    await Promise.allSettled(clients.map((client) => client.close()));
    await cluster.stop();
  });

  test('the fifth session is refused with 503 on every replica, and closing one frees a place for the next', { timeout: 60_000 }, async () => {
    for (let i = 0; i < MAX_SESSIONS; i++) {
      const opened = await open(nginx.url, `client-${i}`);
      assert.ok(opened instanceof StreamableRawClient, `session ${i + 1} of ${MAX_SESSIONS} opened (got ${String(opened)})`);
      clients.push(opened);
    }
    const owners = new Set(clients.map((client) => client.sessionId?.split('.')[0]));
    assert.ok(owners.size >= 2, 'the sessions are spread over several replicas');
    for (const replica of replicas) assert.equal(await open(replica.url, 'one too many'), 503, `refused on ${replica.url}`);
    await clients.shift()!.close();
    const next = await waitFor(async () => {
      const opened = await open(replicas[0]!.url, 'after a close');
      return opened instanceof StreamableRawClient ? opened : undefined;
    }, { what: 'a place freed by the closed session' });
    clients.push(next);
    assert.equal(await open(nginx.url, 'one too many again'), 503);
  });

  test('while Redis is away each replica counts locally, and /readyz and the log say so', { timeout: 30_000 }, async () => {
    await cluster.redis.stop();
    for (const replica of replicas) await waitFor(async () => (await readiness(replica.url)).body.cluster?.limits === 'local', { what: '/readyz to say the limits are counted locally' });
    for (const replica of replicas) await waitFor(() => /counting --maxSessions and --rateLimit locally/.test(replica.stderr()), { what: 'the log to say so' });
    // Each replica now admits up to the bound on its own.
    const opened = await open(replicas[0]!.url, 'local count');
    assert.ok(opened instanceof StreamableRawClient, `a session opens under the local count (got ${String(opened)})`);
    clients.push(opened);
  });
});

describe('--rateLimit over three replicas, with Redis', () => {
  const LIMIT = 6;
  let cluster: RedisCluster;
  let replicas: RunningBridge[] = [];

  before(async () => {
    cluster = await startRedisCluster(3, ['--rateLimit', `${LIMIT}/m`]);
    replicas = cluster.replicas;
  });

  after(() => cluster.stop());

  test(`${LIMIT} requests a minute from one client in all, whichever replicas they reach; the rest are answered 429`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT * 2; i++) statuses.push((await fetch(`${replicas[i % replicas.length]!.url}/metrics`)).status);
    assert.equal(statuses.filter((status) => status === 200).length, LIMIT, statuses.join(' '));
    assert.equal(statuses.filter((status) => status === 429).length, LIMIT, statuses.join(' '));
    const body = await readiness(replicas[0]!.url);
    assert.equal(body.body.cluster?.limits, 'cluster');
  });
});
