/**
 * Three protocol eras on one gateway at once: a legacy SSE client, a session-era Streamable HTTP
 * client and a 2026-07-28 client (SDK v2, pinned to that revision) call the same tool concurrently
 * with their own arguments, and each must get exactly its own answers back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import { startBridge } from '../helpers/bridge.js';
import { fixtureCommand } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { connectClient, firstText } from '../helpers/sdkClients.js';
import { waitFor } from '../helpers/wait.js';

const CALLS_PER_CLIENT = 8;

type Caller = { name: string; echo(text: string): Promise<string>; close(): Promise<void> };

test('a legacy SSE client, a session-era client and a 2026-07-28 client share one gateway, each getting only its own answers', async () => {
  const bridge = await startBridge(['--stdio', fixtureCommand('test-server')]);
  const callers: Caller[] = [];
  let seenChildren: number[] = [];
  try {
    for (const kind of ['sse', 'streamable-http'] as const) {
      const { client, close } = await connectClient(bridge.url, kind);
      callers.push({ name: kind, echo: async (text) => firstText(await client.callTool({ name: 'echo', arguments: { text } })), close });
    }
    const modern = new ModernClient({ name: 'era-2026-client', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await modern.connect(new ModernTransport(new URL('/mcp', bridge.url)));
    assert.equal(modern.getNegotiatedProtocolVersion(), '2026-07-28');
    callers.push({ name: '2026-07-28', echo: async (text) => firstText(await modern.callTool({ name: 'echo', arguments: { text } })), close: () => modern.close() });

    const rounds = await Promise.all(
      callers.map(async (caller) =>
        Promise.all(Array.from({ length: CALLS_PER_CLIENT }, async (_, i) => ({ caller: caller.name, sent: `${caller.name}#${i}`, got: await caller.echo(`${caller.name}#${i}`) }))),
      ),
    );
    for (const { caller, sent, got } of rounds.flat()) assert.equal(got, sent, `${caller} got another client's answer`);
    seenChildren = bridge.children();
    assert.ok(seenChildren.length >= 2, 'the session-era clients have their own children');
  } finally {
    for (const caller of callers) await caller.close().catch(() => {});
    await bridge.stop();
  }
  assert.deepEqual(bridge.children(), []);
  await waitFor(() => seenChildren.every((pid) => !isAlive(pid)), { timeoutMs: 5_000, what: 'children to exit' });
});
