/**
 * Messages over the limits are answered, never silent: with --maxLineBytes 1MiB a 2 MiB result of an
 * SDK server (id after result) is answered MESSAGE_TOO_LARGE at once, forward (per-session, shared)
 * and reverse (remote answers, stdin lines); the session keeps working and memory stays bounded.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withBridge } from '../helpers/faults.js';
import { waitFor } from '../helpers/wait.js';
import { fixtureCommand } from '../helpers/paths.js';
import { openLegacySseSession, openStreamableSession, post } from '../helpers/http.js';
import { StreamableRawClient } from '../helpers/rawClients.js';
import { RemoteServer } from '../helpers/remoteServer.js';
import { StdioLineClient } from '../helpers/stdioLines.js';

const MiB = 1024 * 1024;
const LIMIT = ['--maxLineBytes', '1MiB'];
const tooLarge = /Message too large: the (MCP server|remote MCP server)'s answer is 2 MiB, over the 1 MiB that --maxLineBytes allows; raise --maxLineBytes/;

type Answer = { id?: unknown; result?: unknown; error?: { message: string; data?: { reason?: string } } };

function assertTooLarge(message: unknown, id: unknown): void {
  const answer = message as Answer;
  assert.equal(answer.id, id);
  assert.equal(answer.error?.data?.reason, 'MESSAGE_TOO_LARGE', JSON.stringify(answer).slice(0, 300));
  assert.match(answer.error!.message, tooLarge);
}

describe('forward, --maxLineBytes 1MiB, an SDK server writing a 2 MiB result', () => {
  for (const mode of ['per-session', 'shared'] as const) {
    test(`${mode}: the call is answered MESSAGE_TOO_LARGE within 1 s with its own id, and the session keeps working`, (t) =>
      withBridge([...LIMIT, '--sessionMode', mode, '--stdio', fixtureCommand('test-server')], async (bridge) => {
        const client = new StreamableRawClient(bridge.url);
        await client.initialize(0);
        for (const id of ['big-1', 2]) {
          const started = performance.now();
          const answer = await client.request(id, 'tools/call', { name: 'blob', arguments: { bytes: 2 * MiB } });
          const elapsed = performance.now() - started;
          assertTooLarge(answer, id);
          t.diagnostic(`answered in ${elapsed.toFixed(0)} ms`);
          assert.ok(elapsed < 1000, `${elapsed} ms`);
        }
        const echo = await client.request(3, 'tools/call', { name: 'echo', arguments: { text: 'still here' } });
        assert.equal((echo.result as { content: { text: string }[] }).content[0]!.text, 'still here');
        await waitFor(() => /dropped an oversized line from the MCP server.*answered/.test(bridge.stderr()), { what: 'the dropped line to be logged' });
        assert.deepEqual(client.problems, []);
        await client.close();
      }, { maxGrowthMiB: 48, t }));
  }
});

describe('reverse, --maxLineBytes 1MiB', () => {
  for (const flag of ['--streamableHttp', '--sse'] as const) {
    test(`${flag}: a 2 MiB remote answer is answered MESSAGE_TOO_LARGE, a 2 MiB stdin request too, and the session keeps working`, async () => {
      const remote = await RemoteServer.start();
      const client = new StdioLineClient([...LIMIT, flag, `${remote.url}${flag === '--sse' ? '/sse' : '/mcp'}`]);
      try {
        await client.initialize();
        const started = performance.now();
        assertTooLarge(await client.request('big', 'tools/call', { name: 'blob', arguments: { bytes: 2 * MiB } }), 'big');
        assert.ok(performance.now() - started < 1000, `${performance.now() - started} ms`);
        const request = (await client.request(5, 'tools/call', { name: 'echo', arguments: { text: 'e'.repeat(2 * MiB) } })) as Answer;
        assert.equal(request.error?.data?.reason, 'MESSAGE_TOO_LARGE');
        assert.match(request.error!.message, /the request is 2 MiB, over the 1 MiB that --maxLineBytes allows/);
        const echo = await client.request(6, 'tools/call', { name: 'echo', arguments: { text: 'still here' } });
        assert.equal((echo.result as { content: { text: string }[] }).content[0]!.text, 'still here');
        assert.match(client.stderr, /dropped an oversized message from the remote MCP server/);
        assert.match(client.stderr, /dropped an oversized line from the client/);
      } finally {
        await client.close();
        await remote.stop();
      }
    });
  }
});

describe('forward, a POST body over --maxBodyBytes 64KiB', () => {
  test('a request in it is answered 413 with its own id (written after its params, as SDK clients do) over both transports; the session keeps working', (t) =>
    withBridge(['--maxBodyBytes', '64KiB', '--stdio', fixtureCommand('test-server')], async (bridge) => {
      const big = (id: string): string => JSON.stringify({ method: 'tools/call', params: { name: 'echo', arguments: { text: 'x'.repeat(256 * 1024) } }, jsonrpc: '2.0', id });
      const { headers } = await openStreamableSession(bridge.url);
      const legacy = await openLegacySseSession(bridge.url);
      for (const [url, id, extra] of [[`${bridge.url}/mcp`, 'http-big', headers], [legacy.postUrl, 'sse-big', {}]] as const) {
        const response = await post(url, big(id), extra);
        assert.equal(response.status, 413);
        const body = (await response.json()) as Answer;
        assert.equal(body.id, id);
        assert.equal(body.error?.data?.reason, 'BODY_TOO_LARGE');
        assert.match(body.error!.message, /the body is 256.1 KiB, over the 64 KiB that --maxBodyBytes allows; raise --maxBodyBytes/);
      }
      const answer = await post(`${bridge.url}/mcp`, { jsonrpc: '2.0', id: 9, method: 'ping' }, headers);
      assert.equal(answer.status, 200);
      await answer.text();
      legacy.close();
    }, { t }));
});
