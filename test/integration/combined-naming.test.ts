// Names and filters of the combined endpoint: a custom separator, an empty prefix, allow and deny
// lists on lists and on calls, and collisions refused at start and on reload, naming both servers.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { connectCombined, entries, writeConfig } from '../helpers/combined.js';
import { firstText } from '../helpers/sdkClients.js';
import { waitFor } from '../helpers/wait.js';

const filtered = {
  mcpServers: { fixture: entries.fixture, example: entries.example },
  'mcp-bridge': {
    separator: '.',
    servers: {
      fixture: { prefix: '', tools: { allow: ['echo', 'add', 's*'], deny: ['sample'] } },
      example: { prefix: 'ex', tools: { deny: ['add'] }, prompts: { deny: ['*'] }, resources: { deny: ['example://*'] } },
    },
  },
};

async function toolNames(client: Client): Promise<string[]> {
  return (await client.listTools()).tools.map((tool) => tool.name).sort();
}

describe('combined names: separator, empty prefix, allow and deny lists', { timeout: 60_000 }, () => {
  let dir: string;
  let config: string;
  let bridge: RunningBridge;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-combined-naming-'));
    config = writeConfig(dir, filtered);
    bridge = await startBridge(['--config', config]);
  });

  after(async () => {
    assert.equal(await bridge.stop(), 0);
    assert.deepEqual(bridge.children(), []);
    rmSync(dir, { recursive: true, force: true });
  });

  test('lists offer only what the allow lists let through and the deny lists do not stop, under the custom separator and the empty prefix', async () => {
    const client = await connectCombined(bridge.url);
    try {
      assert.deepEqual(await toolNames(client), ['add', 'echo', 'ex.countdown', 'ex.echo', 'slow'].sort());
      const prompts = (await client.listPrompts()).prompts.map((prompt) => prompt.name);
      assert.deepEqual(prompts, ['greet'], 'the fixture\'s greet, unprefixed; the example\'s are denied');
      const resources = (await client.listResources()).resources.map((resource) => resource.uri);
      assert.ok(!resources.includes('example://readme'), resources.join(', '));
    } finally {
      await client.close();
    }
  });

  test('calls of filtered names fail as if they did not exist, and never reach their server', async () => {
    const client = await connectCombined(bridge.url);
    try {
      assert.equal(firstText(await client.callTool({ name: 'echo', arguments: { text: 'plain' } })), 'plain');
      assert.equal(firstText(await client.callTool({ name: 'ex.echo', arguments: { text: 'dotted' } })), 'dotted');
      for (const name of ['ex.add', 'sample', 'crash', 'ex__echo', 'fixture.echo']) {
        await assert.rejects(client.callTool({ name, arguments: {} }), (error: Error) => /not offered by the combined endpoint/.test(error.message) && error.message.includes(`"${name}"`), name);
      }
      await assert.rejects(client.getPrompt({ name: 'ex.greet', arguments: { name: 'x' } }), /not offered/);
      await assert.rejects(client.readResource({ uri: 'example://readme' }), /Resource not found/);
      // The denied crash never ran: the fixture still answers in this session.
      assert.equal(firstText(await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })), '3');
    } finally {
      await client.close();
    }
  });

  test('a reload whose names would collide is refused, naming both servers, and the running names keep serving', async () => {
    const colliding = structuredClone(filtered);
    colliding['mcp-bridge'].servers.example.prefix = '';
    writeConfig(dir, colliding);
    await waitFor(() => /reload refused.*"echo".*"fixture" and "example"/.test(bridge.stderr()), { what: 'the reload to be refused' });
    const client = await connectCombined(bridge.url);
    try {
      assert.ok((await toolNames(client)).includes('ex.echo'));
      assert.equal(firstText(await client.callTool({ name: 'ex.echo', arguments: { text: 'still' } })), 'still');
    } finally {
      await client.close();
    }
    writeConfig(dir, filtered);
  });
});

describe('combined names that collide at start', { timeout: 60_000 }, () => {
  let dir: string;
  before(() => void (dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-combined-collide-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, unknown, RegExp][] = [
    ['two servers with the same prefix', { mcpServers: { fixture: entries.fixture, example: entries.example }, 'mcp-bridge': { servers: { fixture: { prefix: 'x' }, example: { prefix: 'x' } } } }, /servers "fixture" and "example" both have the prefix "x"/],
    ['two empty prefixes over servers that both have echo', { mcpServers: { fixture: entries.fixture, example: entries.example }, 'mcp-bridge': { servers: { fixture: { prefix: '' }, example: { prefix: '' } } } }, /tool "echo" is offered by both servers "fixture" and "example"/],
  ];
  for (const [what, content, message] of cases) {
    test(`${what} is a config error naming both servers: the gateway exits with code 2`, async () => {
      const config = writeConfig(dir, content, `${what.replace(/\W+/g, '-')}.json`);
      const bridge = await startBridge(['--config', config]).catch((error: Error) => error);
      assert.ok(bridge instanceof Error, 'the gateway did not start');
      assert.match(bridge.message, /exited with 2/);
      assert.match(bridge.message, message);
    });
  }
});
