/**
 * The session buffer with default flags bounds what piles up toward a client that stopped reading,
 * not the one large message a reading client is taking in: a client that stops reading during a
 * 64 MiB flood is disconnected with its logged reason; a slow but steady reader of one 16 MiB result is not.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { assertHealthyClientWorks, faultServer, rawRequest, rssMiB, withBridge } from '../helpers/faults.js';
import { callTool, messagesOf, openStreamableSession, post } from '../helpers/http.js';
import { fixtureCommand } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

const MiB = 1024 * 1024;
// 640 notifications of 100 KiB: 64 MiB, far more than the socket buffers plus the 8 MiB default bound.
const FLOOD = { count: 640, bytes: 100 * 1024 };
const disconnected = /disconnected a client that stopped reading its stream/;

describe('default flags: who is disconnected', () => {
  test('a client that stops reading during a 64 MiB flood is disconnected with its logged reason; memory stays bounded', (t) =>
    withBridge(faultServer(), async (bridge) => {
      const { headers } = await openStreamableSession(bridge.url);
      const child = await waitFor(() => bridge.children()[0], { what: 'the child' });
      // Measured once a call has been served: the modules a first call loads (lazily, after listening) are not the flood's.
      await assertHealthyClientWorks(bridge.url);
      const beforeMiB = rssMiB(bridge.pid);
      const stalled = rawRequest(bridge.url, 'POST', '/mcp', { ...headers, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' }, JSON.stringify(callTool(1, 'flood', FLOOD)));
      stalled.stopReading();
      await waitFor(() => disconnected.test(bridge.stderr()), { what: 'the disconnection', timeoutMs: 30_000 });
      assert.match(bridge.stderr(), /pileUpBytes=\d+.*limit=8388608/);
      await waitFor(() => !isAlive(child), { what: 'the stalled session child to end' });
      assert.equal((await post(`${bridge.url}/mcp`, callTool(2, 'echo'), headers)).status, 404);
      await assertHealthyClientWorks(bridge.url);
      const afterMiB = rssMiB(bridge.pid);
      t.diagnostic(`bridge RSS after a first call ${beforeMiB.toFixed(1)} → ${afterMiB.toFixed(1)} MiB`);
      // Below what holding the flood would take (64 MiB, less the 8 MiB bound the session may hold); the peak RSS is
      // about 110 MiB as before this stop's cold-start work, which lowered the baseline by loading less before listening.
      assert.ok(afterMiB - beforeMiB < 56, `the flood grew the bridge's RSS by ${(afterMiB - beforeMiB).toFixed(1)} MiB, more than 56`);
      stalled.socket.destroy();
    }, { t }));

  // With 1 MiB the bound is far below what the socket buffers hold, so only the message's own size can exceed it.
  for (const bound of [[], ['--maxSessionBufferBytes', '1MiB']]) {
  test(`a slow but steady reader of one 16 MiB result gets it whole and stays connected (${bound.join(' ') || 'default bound'})`, (t) =>
    withBridge([...bound, '--keepalive', '200ms', '--stdio', fixtureCommand('test-server')], async (bridge) => {
      const { headers } = await openStreamableSession(bridge.url);
      const { hostname, port } = new URL(bridge.url);
      const socket = connect(Number(port), hostname);
      const body = JSON.stringify(callTool(1, 'blob', { bytes: 16 * MiB }));
      const head = ['POST /mcp HTTP/1.1', `Host: ${hostname}:${port}`, 'Content-Type: application/json', 'Accept: application/json, text/event-stream', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), `Content-Length: ${body.length}`];
      // Reads a piece, then nothing for 10 ms: about 6 MiB/s, slower than the bridge writes.
      let received = 0;
      let tail = '';
      const started = performance.now();
      socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
        tail = (tail + chunk.toString('latin1')).slice(-200);
        socket.pause();
        setTimeout(() => socket.resume(), 10);
      });
      socket.write(`${head.join('\r\n')}\r\n\r\n${body}`);
      // Other messages for the session while the big one is being taken in: keepalives on its GET stream, an answer on another POST.
      const standalone = new AbortController();
      const get = await fetch(`${bridge.url}/mcp`, { headers: { ...headers, accept: 'text/event-stream' }, signal: standalone.signal });
      void get.body!.pipeTo(new WritableStream()).catch(() => {});
      await waitFor(() => received > 2 * MiB, { what: 'the answer to start arriving' });
      const [echo] = await messagesOf(await post(`${bridge.url}/mcp`, callTool(2, 'echo', { text: 'meanwhile' }), headers));
      assert.equal((echo!.result as { content: { text: string }[] } | undefined)?.content[0]!.text, 'meanwhile', JSON.stringify(echo));
      await waitFor(() => /"id":1\}\n\n/.test(tail) || socket.destroyed, { what: 'the whole answer', timeoutMs: 60_000 });
      const seconds = (performance.now() - started) / 1000;
      t.diagnostic(`${(received / MiB).toFixed(1)} MiB in ${seconds.toFixed(1)} s`);
      standalone.abort();
      assert.ok(!socket.destroyed, 'the bridge cut the reader');
      assert.ok(received > 16 * MiB);
      assert.doesNotMatch(bridge.stderr(), disconnected);
      socket.destroy();
    }, { maxGrowthMiB: 160, t }));
  }
});
