/**
 * Gateway mode (`--config`) in a cluster: three replicas reading the same file (two stdio servers)
 * behind nginx round-robin with a Redis registry, and `--workers 2 --config`. Sessions of a server's
 * own routes and of the combined endpoint at the root, both transports, are owned by the replica that
 * opened them and forwarded there from the others; colliding request ids never cross sessions.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { forwardedTotal, readiness, startGatewayReplicas, startNginxCluster, type NginxCluster } from '../helpers/cluster.js';
import { entries, writeConfig } from '../helpers/combined.js';
import { isAlive } from '../helpers/processes.js';
import { SseRawClient, StreamableRawClient, type RawClient } from '../helpers/rawClients.js';
import { waitFor } from '../helpers/wait.js';

/** Sessions per transport and endpoint, and calls per session (ids 1..CALLS in every session: they collide on purpose). */
const SESSIONS = 4;
const CALLS = 5;

/** Initializes `client`, runs CALLS concurrent calls of `tool` (ids 1..CALLS) and checks it got exactly its own answers, once each. */
async function exercise(client: RawClient, name: string, tool: string): Promise<void> {
  if (client instanceof SseRawClient) await client.connect();
  await client.initialize(0, name);
  const texts = Array.from({ length: CALLS }, (_, i) => `${name}#${i + 1}`);
  const answers = await Promise.all(texts.map((text, i) => client.request(i + 1, 'tools/call', { name: tool, arguments: { text } })));
  answers.forEach((answer, i) => assert.equal((answer.result as { structuredContent?: { text?: string } } | undefined)?.structuredContent?.text, texts[i], `${name}: cross-talk on id ${i + 1}: ${JSON.stringify(answer)}`));
  assert.equal(client.responses().length, CALLS + 1, `${name}: a duplicate or an answer it never asked for`);
  assert.deepEqual(client.problems, [], `${name}: problems on the wire`);
}

/** The combined endpoint's name for server `server`'s echo tool, read from tools/list at the root of `base`. */
async function combinedEcho(base: string, server: string): Promise<string> {
  const client = new StreamableRawClient(base);
  try {
    await client.initialize(0, 'lister');
    const { tools } = (await client.request(1, 'tools/list')).result as { tools: { name: string }[] };
    const name = tools.map((tool) => tool.name).find((candidate) => candidate.startsWith(server) && candidate.endsWith('echo'));
    assert.ok(name, `no echo tool of ${server} on the combined endpoint: ${tools.map((tool) => tool.name).join(', ')}`);
    return name;
  } finally {
    await client.close();
  }
}

/** Sessions of both transports on server alpha's routes and on the combined endpoint, all at once; resolves with their clients' session ids. */
async function everyKindOfSession(base: string): Promise<string[]> {
  const tool = await combinedEcho(base, 'alpha');
  const clients: RawClient[] = [];
  try {
    const work: Promise<void>[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      for (const [where, url, name] of [['route', `${base}/servers/alpha`, 'echo'], ['combined', base, tool]] as const) {
        const http = new StreamableRawClient(url);
        const sse = new SseRawClient(url);
        clients.push(http, sse);
        work.push(exercise(http, `${where}-http-${i}`, name), exercise(sse, `${where}-sse-${i}`, name));
      }
    }
    await Promise.all(work);
    return clients.map((client) => (client as StreamableRawClient | SseRawClient).sessionId ?? '');
  } finally {
    await Promise.allSettled(clients.map((client) => client.close()));
  }
}

describe('three gateway replicas reading one config file, behind nginx round-robin, with a Redis registry', () => {
  let dir: string;
  let cluster: NginxCluster | undefined;
  let nginx: NginxCluster['nginx'];
  let replicas: RunningBridge[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-cluster-gateway-'));
    const config = writeConfig(dir, { mcpServers: { alpha: entries.fixture, beta: entries.fixture } });
    cluster = await startNginxCluster([], (count, args) => startGatewayReplicas(count, config, args));
    ({ nginx, replicas } = cluster);
  });

  after(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('sessions of a server route and of the combined endpoint, both transports, colliding ids: only their own answers, forwarded to their owners', { timeout: 120_000 }, async () => {
    const urls = replicas.map((replica) => replica.url);
    const before = await forwardedTotal(urls);
    const ids = await everyKindOfSession(nginx.url);
    assert.ok((await forwardedTotal(urls)) - before > 0, 'requests reached replicas that do not own their session and were forwarded');
    const owners = new Set(ids.map((id) => id.split('.')[0]));
    assert.ok(owners.size >= 2, `sessions were opened on several replicas (${[...owners].join(', ')})`);
  });

  test('a forged session id on a server route is refused with 404 wherever it lands', async () => {
    const response = await fetch(`${nginx.url}/servers/alpha/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': 'AAAAAAAAAAAA.forged.signature' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    assert.equal(response.status, 404);
  });
});

test('--workers 2 --config: both workers serve a server route and the combined endpoint through one port, and SIGTERM drains both', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-cluster-gateway-'));
  const bridge = await startBridge(['--workers', '2', '--config', writeConfig(dir, { mcpServers: { alpha: entries.fixture, beta: entries.fixture } })]);
  try {
    const seen = new Set<string>();
    await waitFor(async () => {
      const { body } = await readiness(bridge.url);
      if (body.cluster?.replicas === 2) seen.add(body.cluster.replica);
      return seen.size === 2;
    }, { what: 'both workers to answer /readyz' });
    await everyKindOfSession(bridge.url);
    const family = bridge.children();
    assert.equal(await bridge.stop(), 0);
    assert.deepEqual(family.filter(isAlive), [], 'no worker or server process left');
  } finally {
    await bridge.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
