// The combined endpoint with three real servers (the published server-everything and server-filesystem,
// and the example server): one MCP server at the gateway's root that offers every server's tools,
// prompts and templates under prefixed names, and routes calls, reads and completions to their owner.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { connectCombined, entries, everyPage, writeConfig, type CombinedTransport } from '../helpers/combined.js';
import { scrape } from '../helpers/metrics.js';
import { firstText } from '../helpers/sdkClients.js';

describe('the combined endpoint of three real servers', { timeout: 120_000 }, () => {
  let dir: string;
  let bridge: RunningBridge;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-combined-'));
    writeFileSync(join(dir, 'hello.txt'), 'hello from the filesystem server');
    const config = writeConfig(dir, { mcpServers: { everything: entries.everything, files: entries.files(dir), example: entries.example } });
    bridge = await startBridge(['--config', config]);
  });

  after(async () => {
    assert.equal(await bridge.stop(), 0);
    assert.deepEqual(bridge.children(), [], 'no process of any server is left');
    rmSync(dir, { recursive: true, force: true });
  });

  for (const transport of ['streamable-http', 'sse'] as CombinedTransport[]) {
    test(`over ${transport}, a client lists every server's tools, prompts and templates under prefixed names and calls one tool of each`, async () => {
      const client = await connectCombined(bridge.url, transport);
      try {
        const tools = (await everyPage<{ name: string }>((cursor) => client.listTools({ cursor }), 'tools')).map((tool) => tool.name);
        for (const name of ['everything__echo', 'everything__get-sum', 'files__read_text_file', 'files__list_directory', 'example__add', 'example__echo']) assert.ok(tools.includes(name), `${name} in ${tools.join(', ')}`);
        assert.ok(!tools.includes('echo'), 'no unprefixed name');
        const prompts = (await everyPage<{ name: string }>((cursor) => client.listPrompts({ cursor }), 'prompts')).map((prompt) => prompt.name);
        assert.ok(prompts.includes('everything__args-prompt') && prompts.includes('example__greet'), prompts.join(', '));
        const templates = await everyPage<{ name: string; uriTemplate: string }>((cursor) => client.listResourceTemplates({ cursor }), 'resourceTemplates');
        assert.ok(templates.some((template) => template.name.startsWith('everything__') && template.uriTemplate === 'demo://resource/dynamic/text/{resourceId}'), JSON.stringify(templates));

        assert.equal(firstText(await client.callTool({ name: 'example__add', arguments: { a: 2, b: 3 } })), '5');
        assert.equal(firstText(await client.callTool({ name: 'files__read_text_file', arguments: { path: join(dir, 'hello.txt') } })), 'hello from the filesystem server');
        assert.match(firstText(await client.callTool({ name: 'everything__echo', arguments: { message: 'combined' } })), /combined/);
        const greeting = await client.getPrompt({ name: 'example__greet', arguments: { name: 'Ada' } });
        assert.match(JSON.stringify(greeting.messages), /Ada/);
      } finally {
        await client.close();
      }
    });
  }

  test('resources of two servers are read by their URI, which is not renamed, and a template URI goes to the template\'s server', async () => {
    const client = await connectCombined(bridge.url);
    try {
      const resources = (await everyPage<{ uri: string }>((cursor) => client.listResources({ cursor }), 'resources')).map((resource) => resource.uri);
      assert.ok(resources.includes('example://readme'), resources.join(', '));
      const demo = resources.find((uri) => uri.startsWith('demo://resource/static/'));
      assert.ok(demo, resources.join(', '));
      const readme = await client.readResource({ uri: 'example://readme' });
      assert.ok(readme.contents[0]?.uri === 'example://readme');
      const document = await client.readResource({ uri: demo });
      assert.equal(document.contents[0]?.uri, demo);
      const dynamic = await client.readResource({ uri: 'demo://resource/dynamic/text/7' });
      assert.equal(dynamic.contents[0]?.uri, 'demo://resource/dynamic/text/7');
      await assert.rejects(client.readResource({ uri: 'nobody://serves/this' }), /Resource not found/);
    } finally {
      await client.close();
    }
  });

  test('completion/complete of a prompt argument goes to the server that owns the prompt', async () => {
    const client = await connectCombined(bridge.url);
    try {
      const result = await client.complete({ ref: { type: 'ref/prompt', name: 'everything__completable-prompt' }, argument: { name: 'department', value: 'E' } });
      assert.ok(result.completion.values.includes('Engineering'), JSON.stringify(result));
    } finally {
      await client.close();
    }
  });

  test('initialize answers the union of the capabilities and every server\'s instructions under its name', async () => {
    const client = await connectCombined(bridge.url);
    try {
      const capabilities = client.getServerCapabilities() ?? {};
      assert.ok(capabilities.tools && capabilities.prompts && capabilities.resources && capabilities.completions && capabilities.logging, JSON.stringify(capabilities));
      assert.equal(capabilities.resources?.subscribe, true);
      assert.match(client.getInstructions() ?? '', /^## everything\n/);
    } finally {
      await client.close();
    }
  });

  test('GET /servers shows each server\'s offered names on the combined endpoint and the combined routes', async () => {
    const body = (await (await fetch(`${bridge.url}/servers`)).json()) as { servers: { name: string; combined: { state: string; offered: Record<string, string[]> } }[]; combined: { routes: Record<string, string> } };
    assert.deepEqual(body.combined.routes, { mcp: '/mcp', sse: '/sse', message: '/message' });
    const example = body.servers.find((server) => server.name === 'example')!;
    assert.equal(example.combined.state, 'up');
    assert.deepEqual([...example.combined.offered.tools!].sort(), ['example__add', 'example__countdown', 'example__echo']);
    assert.deepEqual(example.combined.offered.resources, ['example://readme']);
  });

  test('the combined endpoint\'s sessions are in the metrics under server="(combined)"', async () => {
    const client = await connectCombined(bridge.url);
    try {
      const metrics = await scrape(bridge.url);
      assert.ok(metrics.value('mcp_bridge_sessions', { server: '(combined)', transport: 'streamableHttp' }) >= 1);
      assert.ok(metrics.value('mcp_bridge_messages_total', { server: '(combined)', direction: 'client_to_server' }) >= 1);
    } finally {
      await client.close();
    }
  });
});
