/**
 * Large messages with default flags: 1 MiB and 16 MiB results arrive whole over legacy SSE and
 * Streamable HTTP, per-session and shared, forward and reverse, while other calls keep being answered.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startBridge } from '../helpers/bridge.js';
import { fixtureCommand } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { StreamableRawClient } from '../helpers/rawClients.js';
import { RemoteServer } from '../helpers/remoteServer.js';
import { connectClient, firstText, TRANSPORTS } from '../helpers/sdkClients.js';
import { StdioLineClient } from '../helpers/stdioLines.js';
import { waitFor } from '../helpers/wait.js';

const MiB = 1024 * 1024;
const SIZES = [1 * MiB, 16 * MiB];
const testServer = ['--stdio', fixtureCommand('test-server')];

/** Calls `echo` on `client` until `done` resolves, counting the answers (each must be right). */
async function keepEchoing(call: (i: number) => Promise<string>, done: Promise<unknown>): Promise<number> {
  let finished = false;
  void done.finally(() => (finished = true));
  let answered = 0;
  while (!finished) {
    assert.equal(await call(answered), `echo ${answered}`);
    answered++;
  }
  return answered;
}

for (const mode of ['per-session', 'shared'] as const) {
  describe(`forward, ${mode}, default flags`, () => {
    for (const kind of TRANSPORTS) {
      test(`${kind}: 1 MiB and 16 MiB results arrive whole while a second client's calls are answered`, async (t) => {
        const bridge = await startBridge([...testServer, '--sessionMode', mode]);
        const family = () => bridge.children();
        let seen: number[] = [];
        try {
          const big = await connectClient(bridge.url, kind);
          const other = new StreamableRawClient(bridge.url);
          await other.initialize(0);
          for (const bytes of SIZES) {
            const started = performance.now();
            const call = big.client.callTool({ name: 'blob', arguments: { bytes } }, undefined, { timeout: 60_000 });
            const echoes = await keepEchoing(
              async (i) => firstText((await other.request(`e${bytes}-${i}`, 'tools/call', { name: 'echo', arguments: { text: `echo ${i}` } })).result as object),
              call,
            );
            const text = firstText(await call);
            assert.equal(text.length, bytes);
            assert.ok(/^b+$/.test(text));
            assert.ok(echoes >= 1);
            t.diagnostic(`${bytes / MiB} MiB in ${(performance.now() - started).toFixed(0)} ms, ${echoes} echoes answered meanwhile`);
          }
          assert.doesNotMatch(bridge.stderr(), /dropped an oversized line|disconnected a client/);
          seen = family();
          await other.close();
          await big.close();
        } finally {
          seen = [...seen, ...family()];
          assert.equal(await bridge.stop(), 0);
          await waitFor(() => seen.every((pid) => !isAlive(pid)), { what: 'every child to be gone' });
        }
      });
    }
  });
}

describe('reverse, default flags, against the SDK-built remote server', () => {
  for (const flag of ['--streamableHttp', '--sse', '--url'] as const) {
    test(`${flag}: 1 MiB and 16 MiB results arrive whole on stdout while other calls are answered`, async (t) => {
      const remote = await RemoteServer.start();
      const path = flag === '--sse' ? '/sse' : '/mcp';
      const client = new StdioLineClient([flag, `${remote.url}${path}`]);
      try {
        await client.initialize();
        for (const bytes of SIZES) {
          const started = performance.now();
          const id = `blob-${bytes}`;
          client.send({ id, method: 'tools/call', params: { name: 'blob', arguments: { bytes } } });
          const call = client.answerTo(id, 60_000);
          const echoes = await keepEchoing(
            async (i) => firstText((await client.request(`e${bytes}-${i}`, 'tools/call', { name: 'echo', arguments: { text: `echo ${i}` } })).result as object),
            call,
          );
          const text = firstText((await call).result as object);
          assert.equal(text.length, bytes);
          assert.ok(echoes >= 1);
          t.diagnostic(`${bytes / MiB} MiB in ${(performance.now() - started).toFixed(0)} ms, ${echoes} echoes answered meanwhile`);
        }
        assert.doesNotMatch(client.stderr, /dropped|too large/i);
      } finally {
        await client.close();
        await remote.stop();
      }
    });
  }
});
