/**
 * `--workers 2`: two replicas of one gateway behind one port on one machine (Node's cluster module),
 * sharing their registry through the primary, no Redis. Both workers serve requests, sessions of
 * both transports stay isolated whichever worker a request reaches, and SIGTERM to the primary
 * drains both and leaves no process behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBridge } from '../helpers/bridge.js';
import { readiness } from '../helpers/cluster.js';
import { fixtureCommand } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { SseRawClient, StreamableRawClient, type RawClient } from '../helpers/rawClients.js';
import { waitFor } from '../helpers/wait.js';

const SESSIONS = 8;
const CALLS = 5;

test('--workers 2: both workers serve through one port, sessions stay isolated, and SIGTERM to the primary drains both', { timeout: 120_000 }, async () => {
  const bridge = await startBridge(['--workers', '2', '--stdio', fixtureCommand('test-server')]);
  const clients: RawClient[] = [];
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

    const work = Array.from({ length: SESSIONS }, async (_, index) => {
      const client = index % 2 === 0 ? new StreamableRawClient(bridge.url) : new SseRawClient(bridge.url);
      clients.push(client);
      if (client instanceof SseRawClient) await client.connect();
      const name = `${client.transport}-${index}`;
      await client.initialize(0, name);
      const texts = Array.from({ length: CALLS }, (_, i) => `${name}#${i + 1}`);
      const answers = await Promise.all(texts.map((text, i) => client.request(i + 1, 'tools/call', { name: 'echo', arguments: { text } })));
      answers.forEach((answer, i) => assert.equal((answer.result as { structuredContent: { text: string } }).structuredContent.text, texts[i], `${name}: cross-talk`));
      assert.equal(client.responses().length, CALLS + 1, `${name}: a duplicate or a stray answer`);
      assert.deepEqual(client.problems, []);
    });
    await Promise.all(work);
  } finally {
    await Promise.allSettled(clients.map((client) => client.close()));
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
