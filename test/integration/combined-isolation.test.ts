// Many clients on the combined endpoint at once: their calls go to different servers with colliding
// ids, with progress, sampling, logging, resource updates and list_changed in flight, and each client
// gets exactly its own answers, notifications and server requests, each exactly once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { connectCombined, entries, writeConfig, type CombinedTransport } from '../helpers/combined.js';
import { registerRecordingHandlers, type Seen } from '../helpers/recordingHandlers.js';
import { firstText } from '../helpers/sdkClients.js';
import { waitFor } from '../helpers/wait.js';

const newSeen = (): Seen => ({ sampling: [], elicitation: [], roots: 0, logs: [], updated: [], listChanged: { tools: 0, resources: 0, prompts: 0 } });

interface Recorded {
  client: Client;
  seen: Seen;
}

describe('the combined endpoint with many clients at once', { timeout: 120_000 }, () => {
  let dir: string;
  let bridge: RunningBridge;
  const open: Recorded[] = [];

  async function connect(i: number): Promise<Recorded> {
    const seen = newSeen();
    const transport: CombinedTransport = i % 2 === 0 ? 'streamable-http' : 'sse';
    const client = await connectCombined(bridge.url, transport, { name: `client-${i}`, capabilities: { sampling: {}, roots: {}, elicitation: {} }, setup: (c) => registerRecordingHandlers(c, seen, `file:///client-${i}`) });
    const recorded = { client, seen };
    open.push(recorded);
    return recorded;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-combined-isolation-'));
    const config = writeConfig(dir, { mcpServers: { a: entries.fixture, b: entries.fixture, example: entries.example } });
    bridge = await startBridge(['--config', config]);
  });

  after(async () => {
    await Promise.all(open.map(({ client }) => client.close()));
    assert.equal(await bridge.stop(), 0);
    assert.deepEqual(bridge.children(), [], 'no process of any server is left');
    rmSync(dir, { recursive: true, force: true });
  });

  test('16 concurrent clients calling tools of different servers, with progress and sampling in flight, each get only their own answers, progress and requests, exactly once', async () => {
    const clients = await Promise.all(Array.from({ length: 16 }, (_, i) => connect(i)));
    await Promise.all(
      clients.map(async ({ client, seen }, i) => {
        const progress: number[] = [];
        const [slow, sampled, echoed, added] = await Promise.all([
          client.callTool({ name: i % 2 === 0 ? 'a__slow' : 'b__slow', arguments: { ms: 200, steps: 4, confirm: true } }, undefined, { onprogress: (p) => void progress.push(p.progress) }),
          client.callTool({ name: i % 2 === 0 ? 'b__sample' : 'a__sample', arguments: { prompt: `client-${i}` } }),
          client.callTool({ name: 'a__echo', arguments: { text: `echo-${i}` } }),
          client.callTool({ name: 'example__add', arguments: { a: i, b: 1000 } }),
        ]);
        assert.match(firstText(slow), /waited 200 ms/);
        assert.deepEqual(progress, [1, 2, 3, 4], `client ${i}: its own progress, each step once`);
        assert.equal(firstText(sampled), `sampled: client-${i}`);
        assert.deepEqual(seen.sampling, [`client-${i}`], `client ${i} was asked exactly its own sampling request, once`);
        assert.equal(firstText(echoed), `echo-${i}`);
        assert.equal(firstText(added), String(i + 1000));
      }),
    );
  });

  test('each client gets log messages at its own level only, and roots/list reaches the client whose call asked', async () => {
    const [quiet, chatty] = await Promise.all([connect(100), connect(101)]);
    await quiet!.client.setLoggingLevel('error');
    await chatty!.client.setLoggingLevel('debug');
    await Promise.all([quiet!, chatty!].map(({ client }, n) => client.callTool({ name: 'a__log', arguments: { message: `from-${n}`, count: 2, level: 'info' } })));
    const roots = await chatty!.client.callTool({ name: 'b__roots', arguments: {} });
    assert.match(firstText(roots), /file:\/\/\/client-101/);
    await waitFor(() => chatty!.seen.logs.length === 2, { what: 'the chatty client\'s log messages' });
    assert.deepEqual(chatty!.seen.logs.map((log) => log.data), ['from-1 #1', 'from-1 #2']);
    assert.deepEqual(quiet!.seen.logs, [], 'an error-level client gets no info messages');
    assert.equal(quiet!.seen.roots, 0);
  });

  test('list_changed from one server reaches every client once, as one combined notification', async () => {
    const listeners = await Promise.all([200, 201, 202].map((i) => connect(i)));
    const before = listeners.map(({ seen }) => seen.listChanged.tools);
    await listeners[0]!.client.callTool({ name: 'b__notify_list_changed', arguments: { which: 'tools' } });
    await waitFor(() => listeners.every(({ seen }, n) => seen.listChanged.tools > before[n]!), { what: 'every client to hear tools/list_changed' });
    // A round trip on every client after the debounce window has surely closed: a second notification would have come first.
    await waitFor(async () => (await Promise.all(listeners.map(({ client }) => client.callTool({ name: 'a__slow', arguments: { ms: 150, steps: 1 } })))).length > 0);
    assert.deepEqual(listeners.map(({ seen }, n) => seen.listChanged.tools - before[n]!), [1, 1, 1]);
    assert.deepEqual(listeners.map(({ seen }) => seen.listChanged.prompts), [0, 0, 0]);
  });

  test('resources/updated reaches only the client that subscribed, through the server that lists the URI', async () => {
    const [subscriber, other] = await Promise.all([connect(300), connect(301)]);
    await subscriber!.client.subscribeResource({ uri: 'test://static/hello' });
    await other!.client.callTool({ name: 'a__echo', arguments: { text: 'opens a' } });
    const updated = await subscriber!.client.callTool({ name: 'a__update_resource', arguments: { uri: 'test://static/hello' } });
    assert.match(firstText(updated), /notified/);
    await waitFor(() => subscriber!.seen.updated.length === 1, { what: 'the update' });
    assert.deepEqual(other!.seen.updated, []);
  });

  test('notifications/cancelled from a client reaches the server its request went to, under that request\'s id', async () => {
    const { client } = await connect(400);
    await client.callTool({ name: 'b__echo', arguments: { text: 'opens b first' } });
    const abort = new AbortController();
    const call = client.callTool({ name: 'b__slow', arguments: { ms: 30_000, steps: 1 } }, undefined, { signal: abort.signal });
    setImmediate(() => abort.abort('changed my mind'));
    await assert.rejects(call);
    await waitFor(() => /cancelled after notifications\/cancelled: changed my mind/.test(bridge.stderr()), { what: 'the server to see the cancellation' });
    assert.equal(firstText(await client.callTool({ name: 'b__echo', arguments: { text: 'b still serves this client' } })), 'b still serves this client');
  });
});
