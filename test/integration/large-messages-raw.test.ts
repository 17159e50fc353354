/**
 * Large answers passed on as their bytes (issue 18): a 16 MiB result reaches the client that asked,
 * once, with its id restored with its own type (a string that looks like a number, a number), in
 * per-session and shared mode, over legacy SSE, Streamable HTTP event streams and JSON answers,
 * and (at 6 MiB, within the event store's 8 MiB) is replayed whole to a client that lost its stream.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startBridge } from '../helpers/bridge.js';
import { openStreamableSession, postForStream, resumeStream, SseReader } from '../helpers/http.js';
import { fixtureCommand } from '../helpers/paths.js';
import { scrape } from '../helpers/metrics.js';
import { isAlive } from '../helpers/processes.js';
import { SseRawClient, StreamableRawClient, type JsonRpcId, type RawClient } from '../helpers/rawClients.js';
import { waitFor } from '../helpers/wait.js';

const MiB = 1024 * 1024;
const testServer = ['--stdio', fixtureCommand('test-server')];
const ways = [
  { name: 'legacy SSE', flags: [], open: (url: string) => new SseRawClient(url) },
  { name: 'Streamable HTTP, event stream', flags: [], open: (url: string) => new StreamableRawClient(url) },
  { name: 'Streamable HTTP, JSON answers', flags: ['--jsonResponse'], open: (url: string) => new StreamableRawClient(url) },
];

/** The text of a tools/call answer. */
function textOf(answer: { result?: unknown }): string {
  return (answer.result as { content: { text: string }[] }).content[0]!.text;
}

for (const mode of ['per-session', 'shared'] as const) {
  describe(`forward, ${mode}: 16 MiB results as their bytes`, () => {
    for (const way of ways) {
      test(`${way.name}: the answer arrives whole and once, its id restored with its type`, async () => {
        const bridge = await startBridge([...testServer, '--sessionMode', mode, ...way.flags]);
        let seen: number[] = [];
        try {
          const client: RawClient = way.open(bridge.url);
          if (client instanceof SseRawClient) await client.connect();
          await client.initialize(0);
          // A second session, so that shared mode maps ids of two clients onto one child.
          const other: RawClient = way.open(bridge.url);
          if (other instanceof SseRawClient) await other.connect();
          await other.initialize('0');
          for (const id of ['17', 18, 'big "one"'] as JsonRpcId[]) {
            const [answer, small] = await Promise.all([
              client.request(id, 'tools/call', { name: 'blob', arguments: { bytes: 16 * MiB } }),
              other.request(id, 'tools/call', { name: 'blob', arguments: { bytes: 70_000 } }),
            ]);
            assert.equal(typeof answer.id, typeof id);
            assert.equal(answer.id, id);
            assert.equal(textOf(answer).length, 16 * MiB);
            assert.equal(typeof small.id, typeof id);
            assert.equal(textOf(small).length, 70_000);
          }
          for (const c of [client, other]) {
            assert.deepEqual(c.problems, []);
            // Every answer once: the initialize and three calls.
            assert.equal(c.responses().length, 4);
          }
          assert.doesNotMatch(bridge.stderr(), /nobody is waiting|nobody waits|skipped a/);
          seen = bridge.children();
          await client.close();
          await other.close();
        } finally {
          seen = [...seen, ...bridge.children()];
          assert.equal(await bridge.stop(), 0);
          await waitFor(() => seen.every((pid) => !isAlive(pid)), { what: 'every child to be gone' });
        }
      });
    }
  });
}

for (const mode of ['per-session', 'shared'] as const) {
  // 6 MiB: the event store keeps up to 8 MiB per session, so a larger answer is never kept for replay.
  test(`${mode}: a 6 MiB answer a client missed when its POST stream broke is replayed whole from the event store with Last-Event-ID`, async () => {
    const bridge = await startBridge([...testServer, '--sessionMode', mode]);
    try {
      const { headers } = await openStreamableSession(bridge.url, { version: '2025-11-25' });
      const call = { jsonrpc: '2.0', id: 'big', method: 'tools/call', params: { name: 'blob', arguments: { bytes: 6 * MiB } } };
      const first = await postForStream(`${bridge.url}/mcp`, call, headers);
      // The priming event gives an id to resume from before the answer exists; the stream is dropped at once.
      const primed = await waitFor(() => first.reader.events.find((e) => e.id !== undefined)?.id, { what: 'the priming event' });
      first.drop();
      // Resumed only once the whole answer was read from the child, so that it comes from the event store.
      const read = async () => (await scrape(bridge.url)).value('mcp_bridge_bytes_total', { direction: 'server_to_client' });
      await waitFor(async () => (await read()) > 6 * MiB, { what: 'the child to have written the answer', timeoutMs: 60_000 });
      const resumed = await resumeStream(`${bridge.url}/mcp`, headers, primed);
      assert.equal(resumed.status, 200);
      const after = new SseReader(resumed);
      await waitFor(() => after.closed || after.events.some((e) => e.data.length > 0), { what: 'the replayed answer', timeoutMs: 60_000 });
      const answers = after.messages();
      assert.equal(answers.length, 1, 'the answer once');
      assert.equal(answers[0]!.id, 'big');
      assert.equal(textOf(answers[0]!).length, 6 * MiB);
    } finally {
      assert.equal(await bridge.stop(), 0);
      await waitFor(() => bridge.children().every((pid) => !isAlive(pid)), { what: 'every child to be gone' });
    }
  });
}
