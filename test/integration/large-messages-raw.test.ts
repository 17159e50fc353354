/**
 * Large answers passed on as their bytes (issue 18): a 16 MiB result reaches the client that asked,
 * once, with its id restored with its own type (a string that looks like a number, a number), in
 * per-session and shared mode, over legacy SSE, Streamable HTTP event streams and JSON answers.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startBridge } from '../helpers/bridge.js';
import { fixtureCommand } from '../helpers/paths.js';
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
