/**
 * `--workers 2`: two replicas of one gateway behind one port on one machine (Node's cluster module),
 * sharing their registry through the primary, no Redis. Both workers serve requests, sessions of
 * every kind stay isolated whichever worker a request reaches, and SIGTERM to the primary
 * drains both and leaves no process behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBridge } from '../helpers/bridge.js';
import { readiness } from '../helpers/cluster.js';
import { fixtureCommand } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { everyKindConcurrently } from '../helpers/clusterLoad.js';
import { waitFor } from '../helpers/wait.js';

/** The isolation load of the nginx test (64 sessions of each kind), through the one port of two workers. */
const SESSIONS_PER_KIND = 64;
const CALLS = 5;

test('--workers 2: both workers serve through one port, sessions stay isolated, and SIGTERM to the primary drains both', { timeout: 180_000 }, async () => {
  const bridge = await startBridge(['--workers', '2', '--stdio', fixtureCommand('test-server')]);
  try {
    // Fresh connections are handed out round-robin: both workers answer, each knowing the other.
    const replicas = new Set<string>();
    await waitFor(async () => {
      const { body } = await readiness(bridge.url);
      if (body.cluster?.replicas === 2) replicas.add(body.cluster.replica);
      return replicas.size === 2;
    }, { what: 'both workers to answer /readyz' });
    const seen = await readiness(bridge.url);
    assert.equal(seen.body.cluster?.registry, 'workers');

    const sessionIds = await everyKindConcurrently(bridge.url, SESSIONS_PER_KIND, CALLS);
    assert.equal(new Set(sessionIds.map((id) => id.split('.')[0])).size, 2, 'sessions were opened on both workers');
  } catch (error) {
    await bridge.stop();
    throw error;
  }
  // Workers and their servers, recorded now: once the primary is gone they would no longer be its descendants.
  const family = bridge.children();
  assert.ok(family.length >= 2);
  const started = Date.now();
  assert.equal(await bridge.stop(), 0);
  assert.ok(Date.now() - started < 10_000, 'drained within the deadline');
  assert.deepEqual(family.filter(isAlive), [], 'no worker or server process left');
  assert.match(bridge.stderr(), /started 2 workers sharing one port/);
});
