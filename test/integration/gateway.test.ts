// Gateway mode with real servers: our fixtures, the example server, the published server-everything and
// server-filesystem, and remote entries over Streamable HTTP and legacy SSE, all from one config file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { fixturePath, repoRoot } from '../helpers/paths.js';
import { RemoteServer } from '../helpers/remoteServer.js';
import { connectServer, firstText } from '../helpers/sdkClients.js';

const published = (name: string): string => join(repoRoot, 'node_modules', '@modelcontextprotocol', name, 'dist', 'index.js');

type Transport = 'streamable-http' | 'sse';

/** Writes a gateway config file into `dir` and returns its path. */
function writeConfig(dir: string, name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

describe('gateway mode: every server of a config file on its own routes', { timeout: 120_000 }, () => {
  let dir: string;
  let remote: RemoteServer;
  let bridge: RunningBridge;
  const transports: Transport[] = ['streamable-http', 'sse'];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-gateway-'));
    writeFileSync(join(dir, 'hello.txt'), 'hello from the filesystem server');
    remote = await RemoteServer.start();
    const config = writeConfig(dir, 'claude_desktop_config.json', {
      mcpServers: {
        fixture: { command: process.execPath, args: [fixturePath('test-server')] },
        example: { command: process.execPath, args: [join(repoRoot, 'dist', 'example', 'server.js')] },
        // The same server under a second name: two entries, two servers, sessions and children of their own.
        'example-2': { command: process.execPath, args: [join(repoRoot, 'dist', 'example', 'server.js')] },
        everything: { command: process.execPath, args: [published('server-everything'), 'stdio'] },
        files: { command: process.execPath, args: [published('server-filesystem'), '${GATEWAY_TEST_DIR}'] },
        'remote-http': { type: 'http', url: `${remote.url}/mcp` },
        'remote-sse': { type: 'sse', url: `${remote.url}/sse` },
        off: { command: 'no-such-command', disabled: true },
      },
      'mcp-bridge': { servers: { everything: { sessionMode: 'shared' } } },
    });
    bridge = await startBridge(['--config', config], { GATEWAY_TEST_DIR: dir });
  });

  after(async () => {
    assert.equal(await bridge.stop(), 0);
    assert.deepEqual(bridge.children(), [], 'no process of any server is left');
    await remote.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const transport of transports) {
    test(`over ${transport}, each route reaches its own server: its name, its tools and its answers`, async () => {
      const expected: Record<string, { name: RegExp; tool: string }> = {
        fixture: { name: /^test-server$/, tool: 'echo' },
        example: { name: /^mcp-bridge-example$/, tool: 'add' },
        'example-2': { name: /^mcp-bridge-example$/, tool: 'add' },
        everything: { name: /everything/i, tool: 'echo' },
        files: { name: /filesystem/i, tool: 'read_text_file' },
        'remote-http': { name: /^test-server$/, tool: 'echo' },
        'remote-sse': { name: /^test-server$/, tool: 'echo' },
      };
      for (const [server, { name, tool }] of Object.entries(expected)) {
        const client = await connectServer(bridge.url, server, transport);
        try {
          assert.match(client.getServerVersion()?.name ?? '', name, server);
          const tools = (await client.listTools()).tools.map((t) => t.name);
          assert.ok(tools.includes(tool), `${server} lists ${tool}: ${tools.join(', ')}`);
        } finally {
          await client.close();
        }
      }
      const files = await connectServer(bridge.url, 'files', transport);
      const read = await files.callTool({ name: 'read_text_file', arguments: { path: join(dir, 'hello.txt') } });
      assert.equal(firstText(read), 'hello from the filesystem server');
      await files.close();
      const example = await connectServer(bridge.url, 'example', transport);
      assert.equal(firstText(await example.callTool({ name: 'add', arguments: { a: 2, b: 3 } })), '5');
      await example.close();
    });
  }

  test('16 concurrent clients spread over every server, with colliding request ids, each get only their own answers', async () => {
    const servers = ['fixture', 'everything', 'remote-http', 'remote-sse', 'example', 'example-2', 'fixture', 'everything'];
    const clients = await Promise.all(
      Array.from({ length: 16 }, (_, i) => connectServer(bridge.url, servers[i % servers.length]!, transports[i % 2]!).then((client) => ({ client, i }))),
    );
    try {
      await Promise.all(
        clients.map(async ({ client, i }) => {
          for (let n = 0; n < 10; n++) {
            const token = `client-${i}-call-${n}`;
            const args = servers[i % servers.length] === 'everything' ? { message: token } : { text: token };
            const text = firstText(await client.callTool({ name: 'echo', arguments: args }));
            assert.ok(text.endsWith(token), `client ${i} got ${text}`);
          }
        }),
      );
    } finally {
      await Promise.all(clients.map(({ client }) => client.close()));
    }
  });

  test('GET /servers names every enabled server with its kind, routes, state, sessions and processes', async () => {
    const body = (await (await fetch(`${bridge.url}/servers`)).json()) as { servers: Record<string, unknown>[] };
    assert.deepEqual(body.servers.map((s) => s.name), ['fixture', 'example', 'example-2', 'everything', 'files', 'remote-http', 'remote-sse']);
    const files = body.servers.find((s) => s.name === 'files')!;
    assert.equal(files.kind, 'stdio');
    assert.equal(files.state, 'ready');
    assert.deepEqual(files.routes, { mcp: '/servers/files/mcp', sse: '/servers/files/sse', message: '/servers/files/message' });
    assert.equal(typeof files.sessions, 'number');
    assert.equal(body.servers.find((s) => s.name === 'remote-sse')!.kind, 'remote');
    // The shared server-everything child runs with no session at all.
    assert.ok((body.servers.find((s) => s.name === 'everything')!.children as number) >= 1);
    const ready = await fetch(`${bridge.url}/readyz`);
    assert.equal(ready.status, 200);
  });

  test('an unknown server name is a 404 JSON error naming the servers that exist', async () => {
    const response = await fetch(`${bridge.url}/servers/nope/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(response.status, 404);
    const body = (await response.json()) as { error: { message: string; data: { reason: string } } };
    assert.equal(body.error.data.reason, 'SERVER_NOT_FOUND');
    assert.match(body.error.message, /"nope".*fixture, example, example-2, everything, files, remote-http, remote-sse/);
    assert.equal((await fetch(`${bridge.url}/servers/off/mcp`)).status, 404, 'a disabled server is not served');
  });
});

describe('gateway mode: a server that cannot start', { timeout: 60_000 }, () => {
  let dir: string;
  let bridge: RunningBridge;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-gateway-'));
    // VS Code's format, with comments and trailing commas.
    const config = writeConfig(dir, 'mcp.json', `{
      // a healthy server and one whose command does not exist
      "servers": {
        "good": { "type": "stdio", "command": ${JSON.stringify(process.execPath)}, "args": [${JSON.stringify(fixturePath('test-server'))}], },
        "broken": { "type": "stdio", "command": "mcp-bridge-no-such-command", },
      },
    }`);
    bridge = await startBridge(['--config', config, '--apiKey', 'gateway-key']);
  });

  after(async () => {
    assert.equal(await bridge.stop(), 0);
    assert.deepEqual(bridge.children(), []);
    rmSync(dir, { recursive: true, force: true });
  });

  const auth = { authorization: 'Bearer gateway-key' };

  test('is reported in /servers and /readyz and never stops the servers beside it', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await fetch(`${bridge.url}/servers/broken/mcp`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
      });
      assert.equal(response.status, 502);
    }
    const ready = await fetch(`${bridge.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.match(((await ready.json()) as { reason: string }).reason, /^broken: /);
    const servers = (await (await fetch(`${bridge.url}/servers`, { headers: auth })).json()) as { servers: { name: string; state: string; error?: string }[] };
    assert.deepEqual(servers.servers.map((s) => [s.name, s.state]), [['good', 'ready'], ['broken', 'failed']]);
    const client = new Client({ name: 'gateway-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL('/servers/good/mcp', bridge.url), { requestInit: { headers: auth } }));
    assert.equal(firstText(await client.callTool({ name: 'echo', arguments: { text: 'still here' } })), 'still here');
    await client.close();
  });

  test('GET /servers and unknown server names need the API key, so names are not disclosed to strangers', async () => {
    assert.equal((await fetch(`${bridge.url}/servers`)).status, 401);
    const stranger = await fetch(`${bridge.url}/servers/nope/mcp`);
    assert.equal(stranger.status, 401);
    assert.doesNotMatch(await stranger.text(), /good|broken/);
  });
});
