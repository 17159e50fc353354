// Gateway mode reloads its config file without a restart: on a change of the file and on SIGHUP,
// servers are added, removed and replaced while the other servers' clients go on mid-call, and a
// file that does not validate changes nothing.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { fixturePath, repoRoot } from '../helpers/paths.js';
import { connectServer, firstText } from '../helpers/sdkClients.js';
import { waitFor } from '../helpers/wait.js';

const testServer = { command: process.execPath, args: [fixturePath('test-server')] };
const exampleServer = { command: process.execPath, args: [join(repoRoot, 'dist', 'example', 'server.js')] };

/** Writes the file as editors do: a new file renamed over the old one. */
function saveConfig(path: string, content: unknown): void {
  writeFileSync(`${path}.tmp`, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  renameSync(`${path}.tmp`, path);
}

interface Listed {
  name: string;
  state: string;
}

async function listServers(base: string): Promise<Listed[]> {
  return ((await (await fetch(`${base}/servers`)).json()) as { servers: Listed[] }).servers;
}

/** Polls GET /servers until it lists exactly `expected` (name:state), e.g. after a reload has drained. */
async function untilServers(base: string, expected: string[]): Promise<void> {
  await waitFor(async () => (await listServers(base)).map((s) => `${s.name}:${s.state}`).join(' ') === expected.join(' '), {
    timeoutMs: 30_000,
    what: `GET /servers to list ${expected.join(' ')}`,
  });
}

/** Starts a slow call (six one-second steps) and resolves `started` once its first progress arrives, so it is surely in flight. */
function slowCall(client: Client): { started: Promise<void>; done: Promise<string> } {
  let resolveStarted!: () => void;
  const started = new Promise<void>((resolve) => (resolveStarted = resolve));
  const done = client.callTool({ name: 'slow', arguments: { ms: 6000, steps: 6 } }, undefined, { onprogress: () => resolveStarted(), timeout: 60_000 }).then(firstText);
  return { started, done };
}

describe('gateway mode reloads its config file', { timeout: 120_000 }, () => {
  let dir: string;
  let path: string;
  let bridge: RunningBridge;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-reload-'));
    path = join(dir, 'claude_desktop_config.json');
    saveConfig(path, { mcpServers: { kept: testServer, removed: testServer, changed: testServer } });
    bridge = await startBridge(['--config', path]);
  });

  after(async () => {
    assert.equal(await bridge.stop(), 0);
    assert.deepEqual(bridge.children(), [], 'no process of any server is left');
    rmSync(dir, { recursive: true, force: true });
  });

  test('adding, removing and changing servers mid-call: every call completes and the unchanged server keeps its sessions', async () => {
    const kept = await connectServer(bridge.url, 'kept', 'streamable-http');
    const removed = await connectServer(bridge.url, 'removed', 'streamable-http');
    const changedSse = await connectServer(bridge.url, 'changed', 'sse');
    const changedHttp = await connectServer(bridge.url, 'changed', 'streamable-http');
    const clients = [kept, removed, changedSse, changedHttp];
    try {
      const calls = clients.map(slowCall);
      await Promise.all(calls.map((call) => call.started));
      saveConfig(path, { mcpServers: { kept: testServer, changed: exampleServer, added: testServer } });
      await waitFor(async () => (await listServers(bridge.url)).some((s) => s.name === 'added'), { timeoutMs: 30_000, what: 'the added server' });
      // Sessions of the replaced server still reach it (by their session id) until it has drained.
      assert.equal(firstText(await changedSse.callTool({ name: 'echo', arguments: { text: 'old over sse' } })), 'old over sse');
      assert.equal(firstText(await changedHttp.callTool({ name: 'echo', arguments: { text: 'old over http' } })), 'old over http');
      for (const result of await Promise.all(calls.map((call) => call.done))) assert.equal(result, 'waited 6000 ms');
      assert.equal(firstText(await kept.callTool({ name: 'echo', arguments: { text: 'same session' } })), 'same session');
      await untilServers(bridge.url, ['kept:ready', 'changed:ready', 'added:ready']);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
    const changed = await connectServer(bridge.url, 'changed', 'streamable-http');
    assert.equal(changed.getServerVersion()?.name, 'mcp-bridge-example', 'new sessions reach the changed server');
    await changed.close();
    const added = await connectServer(bridge.url, 'added', 'sse');
    assert.equal(firstText(await added.callTool({ name: 'echo', arguments: { text: 'new' } })), 'new');
    await added.close();
    const gone = await fetch(`${bridge.url}/servers/removed/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(gone.status, 404);
    assert.match(bridge.stderr(), /reloaded the config file/);
  });

  test('a file that no longer parses or validates is refused with its line or field named, and the servers go on', async () => {
    const before = (await listServers(bridge.url)).map((s) => s.name);
    saveConfig(path, '{\n  "mcpServers": {\n    "kept": { "command": "x" ]\n  }\n}');
    await waitFor(() => /reload refused[^\n]*\n?[^\n]*line 3, column \d+/.test(bridge.stderr()), { timeoutMs: 15_000, what: 'the syntax error to be logged' });
    saveConfig(path, { mcpServers: { kept: { args: ['x'] } } });
    await waitFor(() => /reload refused[\s\S]*mcpServers\.kept: needs "command"/.test(bridge.stderr()), { timeoutMs: 15_000, what: 'the invalid field to be logged' });
    assert.deepEqual((await listServers(bridge.url)).map((s) => s.name), before);
    const kept = await connectServer(bridge.url, 'kept', 'streamable-http');
    assert.equal(firstText(await kept.callTool({ name: 'echo', arguments: { text: 'still serving' } })), 'still serving');
    await kept.close();
  });
});

describe('gateway mode reloads on SIGHUP', { timeout: 60_000 }, () => {
  let dir: string;
  let target: string;
  let bridge: RunningBridge;

  before(async () => {
    // The served path is a symlink into another folder: a change there is not seen by the watch, only by SIGHUP.
    dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-sighup-'));
    mkdirSync(join(dir, 'real'));
    mkdirSync(join(dir, 'served'));
    target = join(dir, 'real', 'mcp.json');
    saveConfig(target, { mcpServers: { first: testServer } });
    symlinkSync(target, join(dir, 'served', 'mcp.json'));
    bridge = await startBridge(['--config', join(dir, 'served', 'mcp.json')]);
  });

  after(async () => {
    assert.equal(await bridge.stop(), 0);
    assert.deepEqual(bridge.children(), []);
    rmSync(dir, { recursive: true, force: true });
  });

  test('SIGHUP applies the file as a change of it does', async () => {
    const first = await connectServer(bridge.url, 'first', 'streamable-http');
    saveConfig(target, { mcpServers: { first: testServer, second: exampleServer } });
    process.kill(bridge.pid, 'SIGHUP');
    await untilServers(bridge.url, ['first:ready', 'second:ready']);
    assert.equal(firstText(await first.callTool({ name: 'echo', arguments: { text: 'untouched' } })), 'untouched');
    await first.close();
    const second = await connectServer(bridge.url, 'second', 'streamable-http');
    assert.equal(second.getServerVersion()?.name, 'mcp-bridge-example');
    await second.close();
  });
});
