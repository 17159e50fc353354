// Scale-out's pure parts: owner-carrying signed session ids, the routing of ids and requestStates
// from the registry's view, and the scale-out flags.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerContext } from '@modelcontextprotocol/server';
import { newReplicaId, OwnedIds } from '../../src/cluster/ownedIds.js';
import { LoneRegistry } from '../../src/cluster/registry.js';
import { ClusterRouting } from '../../src/cluster/routing.js';
import { buildConfig, type ForwardConfig } from '../../src/config/index.js';
import { ContinuationStore } from '../../src/downstream/modern/continuations.js';
import { BridgeError } from '../../src/shared/errors.js';

const secret = 'unit-test-cluster-secret-123456';

test('a session id names its replica, and only the cluster secret makes one that verifies', () => {
  const ids = new OwnedIds(newReplicaId(), secret);
  const id = ids.mint();
  assert.match(id, /^[\w-]{12}\.[\w-]{22}\.[\w-]{22}$/);
  assert.equal(ids.ownerOf(id), ids.replicaId);
  assert.notEqual(ids.mint(), id, 'every id is new');
  const peer = new OwnedIds(newReplicaId(), secret);
  assert.equal(peer.ownerOf(id), ids.replicaId, 'a peer with the same secret reads the owner');
  assert.equal(new OwnedIds(newReplicaId(), `${secret}-other`).ownerOf(id), undefined, 'another secret does not verify it');
  const [replica, random, signature] = id.split('.') as [string, string, string];
  for (const forged of [`${peer.replicaId}.${random}.${signature}`, `${replica}.${random}.${signature.slice(1)}A`, `${replica}.${random}`, 'a.b.c', '', crypto.randomUUID()]) {
    assert.equal(ids.ownerOf(forged), undefined, forged);
  }
});

test('routing: own sessions stay, unknown or forged owners go nowhere, a requestState names its replica', async () => {
  const self = new OwnedIds(newReplicaId(), secret);
  const registry = new LoneRegistry(self.replicaId);
  await registry.join('http://127.0.0.1:1');
  const routing = new ClusterRouting(self, registry, () => {});
  assert.deepEqual(await routing.route(self.mint()), { to: 'local' });
  const other = new OwnedIds(newReplicaId(), secret);
  assert.equal((await routing.route(other.mint())).to, 'nowhere', 'a replica the registry does not know is gone');
  assert.equal((await routing.route('forged.id.here')).to, 'nowhere');

  const paused = new ContinuationStore<string>({ ttlMs: 60_000, max: 10, signing: { key: other.requestStateKey, owner: other.replicaId } }, () => {});
  const state = await paused.put('call');
  assert.equal((await routing.routeState(state)).to, 'nowhere', "the other replica's paused call is gone with it");
  assert.equal(paused.take(await paused.codec.verify(state, {} as ServerContext)), 'call', 'the owner finds its paused call');
  assert.deepEqual(await routing.routeState(`${state}x`), { to: 'local' }, 'a requestState that does not verify stays, to be refused here');
  paused.close();
});

function forward(args: string[], env: NodeJS.ProcessEnv = {}): ForwardConfig {
  const raw: Record<string, unknown> = { stdio: 'node server.js' };
  for (let i = 0; i < args.length; i += 2) raw[args[i]!.slice(2)] = args[i + 1];
  return buildConfig(raw, env) as ForwardConfig;
}

test('scale-out flags: no cluster by default; a secret, --workers, --redis and --advertiseUrl make one', () => {
  assert.equal(forward([]).cluster, undefined);
  assert.deepEqual(forward(['--clusterSecret', secret]).cluster, { secret, advertiseUrl: undefined, redisUrl: undefined, workers: 1 });
  assert.equal(forward([], { MCP_BRIDGE_CLUSTER_SECRET: secret }).cluster?.secret, secret);
  const workers = forward(['--workers', '3']).cluster;
  assert.equal(workers?.workers, 3);
  assert.ok((workers?.secret.length ?? 0) >= 32, 'a random secret for the workers');
  assert.ok((forward(['--workers', 'auto']).cluster?.workers ?? 0) >= 1);
  const full = forward(['--clusterSecret', secret, '--redis', 'redis://r:6379', '--advertiseUrl', 'http://10.0.0.5:8000/']).cluster;
  assert.deepEqual(full, { secret, advertiseUrl: 'http://10.0.0.5:8000', redisUrl: 'redis://r:6379', workers: 1 });
});

test('scale-out flags: bad values and combinations are usage errors', () => {
  const refused = (args: string[], raw: Record<string, unknown> = { stdio: 'node server.js' }) =>
    assert.throws(() => buildConfig({ ...raw, ...Object.fromEntries(args.map((arg, i) => (i % 2 ? [] : [arg.slice(2), args[i + 1]])).filter((pair) => pair.length)) }, {}), BridgeError, args.join(' '));
  refused(['--clusterSecret', 'short']);
  refused(['--redis', 'redis://r:6379']);
  refused(['--clusterSecret', secret, '--redis', 'http://r:6379']);
  refused(['--clusterSecret', secret, '--advertiseUrl', 'peer:8000']);
  refused(['--workers', '0']);
  refused(['--workers', 'many']);
  refused(['--clusterSecret', secret, '--clusterSecretFile', '/nonexistent']);
  refused(['--clusterSecretFile', '/nonexistent/secret']);
  refused(['--workers', '2'], { url: 'https://remote/mcp' });
});

test('scale-out flags serve gateway mode too: the config file names the servers, the flags the cluster', () => {
  const config = buildConfig({ config: '/some/file.json', workers: '2', clusterSecret: secret, redis: 'redis://r:6379' }, {});
  assert.equal(config.mode, 'gateway');
  assert.deepEqual(config.mode === 'gateway' && config.cluster, { secret, advertiseUrl: undefined, redisUrl: 'redis://r:6379', workers: 2 });
});
