/**
 * Interoperability with a real published server: @modelcontextprotocol/server-everything (stdio mode) behind the
 * bridge, used by real SDK clients over both client transports.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { repoRoot } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { connectClient, firstText, TRANSPORTS, type ConnectedClient } from '../helpers/sdkClients.js';
import { waitFor } from '../helpers/wait.js';

/** `node …/server-everything/dist/index.js stdio`: its bin, in stdio mode (the default, made explicit). */
const everythingCommand = [process.execPath, join(repoRoot, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js'), 'stdio']
  .map((part) => JSON.stringify(part))
  .join(' ');

for (const kind of TRANSPORTS) {
  describe(`server-everything behind the bridge over ${kind}`, { timeout: 60_000 }, () => {
    let bridge: RunningBridge;
    let connected: ConnectedClient;
    let children: number[] = [];
    let rootsRequests = 0;
    const rootUri = `file:///interop/${kind}`;

    before(async () => {
      bridge = await startBridge(['--stdio', everythingCommand]);
      connected = await connectClient(bridge.url, kind, {
        name: `interop-${kind}`,
        capabilities: { roots: { listChanged: true } },
        setup: (client) =>
          client.setRequestHandler(ListRootsRequestSchema, async () => {
            rootsRequests++;
            return { roots: [{ uri: rootUri, name: 'interop root' }] };
          }),
      });
      children = await waitFor(() => (bridge.children().length > 0 ? bridge.children() : undefined), { what: 'the session child' });
    });

    after(async () => {
      if (connected) await connected.close().catch(() => {});
      if (!bridge) return;
      try {
        await waitFor(() => children.every((pid) => !isAlive(pid)), { what: 'the server-everything child to end with its session' });
      } finally {
        const code = await bridge.stop();
        assert.equal(code, 0, `bridge exit code; stderr:\n${bridge.stderr()}`);
      }
      assert.deepEqual(children.filter(isAlive), [], 'no child outlives the bridge');
    });

    test('initialize reaches server-everything and returns its server info and capabilities', () => {
      assert.equal(connected.client.getServerVersion()?.name, 'mcp-servers/everything');
      const capabilities = connected.client.getServerCapabilities();
      assert.ok(capabilities?.tools, 'tools capability');
      assert.ok(capabilities?.resources?.subscribe, 'resources.subscribe capability');
      assert.ok(connected.client.getInstructions(), 'instructions are relayed');
    });

    test('tools/list lists its tools, including echo and get-sum', async () => {
      const names = (await connected.client.listTools()).tools.map((t) => t.name);
      for (const name of ['echo', 'get-sum']) assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    });

    test('tools/call echo and get-sum return its answers', async () => {
      const echo = await connected.client.callTool({ name: 'echo', arguments: { message: `hello over ${kind}` } });
      assert.equal(firstText(echo), `Echo: hello over ${kind}`);
      const sum = await connected.client.callTool({ name: 'get-sum', arguments: { a: 19, b: 23 } });
      assert.match(firstText(sum), /\b42\b/);
    });

    test('resources/list and resources/read return its documents', async () => {
      const { resources } = await connected.client.listResources();
      assert.ok(resources.length > 0, 'at least one resource');
      const first = resources[0]!;
      const { contents } = await connected.client.readResource({ uri: first.uri });
      assert.equal(contents[0]?.uri, first.uri);
      assert.ok('text' in contents[0]! && String(contents[0].text).length > 0, 'the resource has text');
      const { resourceTemplates } = await connected.client.listResourceTemplates();
      assert.ok(resourceTemplates.length > 0, 'at least one resource template');
    });

    test('its own roots/list request after initialization reaches the client, and the answer reaches it back', async () => {
      await waitFor(() => rootsRequests > 0, { what: 'server-everything to ask the client for its roots' });
      const result = await connected.client.callTool({ name: 'get-roots-list', arguments: {} });
      assert.match(firstText(result), new RegExp(rootUri.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
    });
  });
}
