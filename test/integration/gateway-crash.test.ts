// Gateway mode with a server that keeps crashing beside a healthy one: each crash fails only the
// crashing server's call in flight, the server is started again, and the neighbour never notices.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { fixturePath } from '../helpers/paths.js';
import { connectUrl, firstText } from '../helpers/sdkClients.js';
import { waitFor } from '../helpers/wait.js';

describe('gateway mode: a server that keeps crashing beside a healthy one', { timeout: 90_000 }, () => {
  let dir: string;
  let bridge: RunningBridge;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-gateway-crash-'));
    const fixture = { command: process.execPath, args: [fixturePath('test-server')] };
    const config = join(dir, 'claude_desktop_config.json');
    writeFileSync(config, JSON.stringify({ mcpServers: { crashy: fixture, steady: fixture }, 'mcp-bridge': { servers: { crashy: { sessionMode: 'shared' } } } }));
    bridge = await startBridge(['--config', config]);
  });

  after(async () => {
    assert.equal(await bridge.stop(), 0);
    assert.deepEqual(bridge.children(), [], 'no process of any server is left');
    rmSync(dir, { recursive: true, force: true });
  });

  test('each crash fails only its own call, the server comes back, and the other server calls on undisturbed', async () => {
    const [crashy, steady] = await Promise.all([connectUrl(`${bridge.url}/servers/crashy/mcp`), connectUrl(`${bridge.url}/servers/steady/mcp`)]);
    try {
      const neighbour = steady.callTool({ name: 'slow', arguments: { ms: 1500 } });
      for (let crash = 0; crash < 3; crash++) {
        // The shared child may still be restarting from the crash before: wait until it answers again.
        await waitFor(async () => (await crashy.callTool({ name: 'echo', arguments: { text: 'up' } }).then(() => true, () => false)), { what: 'the crashed server to be back' });
        const failure = await crashy.callTool({ name: 'crash', arguments: {} }).then(() => undefined, (error: unknown) => error);
        assert.ok(failure instanceof McpError, `crash ${crash}: the call in flight gets a JSON-RPC error, not silence`);
        assert.equal((failure.data as { reason?: string } | undefined)?.reason, 'CHILD_EXITED');
      }
      assert.equal(firstText(await neighbour), 'waited 1500 ms', 'the neighbour call in flight all along was answered');
      await waitFor(async () => (await crashy.callTool({ name: 'echo', arguments: { text: 'back' } }).then(firstText, () => '')) === 'back', { what: 'the crashed server to serve again' });
      const servers = (await (await fetch(`${bridge.url}/servers`)).json()) as { servers: { name: string; state: string }[] };
      assert.deepEqual(servers.servers.map((server) => [server.name, server.state]), [['crashy', 'ready'], ['steady', 'ready']]);
      assert.equal((await fetch(`${bridge.url}/readyz`)).status, 200);
    } finally {
      await Promise.all([crashy.close(), steady.close()]);
    }
  });
});
