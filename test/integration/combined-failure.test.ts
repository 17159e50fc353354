// Partial failure and costs on the combined endpoint: a server killed mid-session leaves the lists
// (with list_changed) and its calls get an error naming it while the others serve, and it comes
// back when it can start again; a session starts a child only for the servers it calls.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { allClientCapabilities, closeCombined, connectCombined, entries, writeConfig } from '../helpers/combined.js';
import { fixturePath } from '../helpers/paths.js';
import { descendants } from '../helpers/processes.js';
import { registerRecordingHandlers, type Seen } from '../helpers/recordingHandlers.js';
import { firstText } from '../helpers/sdkClients.js';
import { waitFor } from '../helpers/wait.js';

const newSeen = (): Seen => ({ sampling: [], elicitation: [], roots: 0, logs: [], updated: [], listChanged: { tools: 0, resources: 0, prompts: 0 } });

/** The command line of a process, its arguments joined by spaces ('' once it is gone). */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

describe('a combined server that goes down and comes back', { timeout: 90_000 }, () => {
  let dir: string;
  let bridge: RunningBridge;
  let marker: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-combined-failure-'));
    marker = join(dir, 'down');
    // The flaky server cannot start while the marker file exists (it exits before its first message).
    const flaky = { command: '/bin/sh', args: ['-c', `[ -e '${marker}' ] && exit 1; exec '${process.execPath}' '${fixturePath('test-server')}' flaky-marker`] };
    bridge = await startBridge(['--config', writeConfig(dir, { mcpServers: { flaky, example: entries.example } })]);
  });

  after(async () => {
    assert.equal(await bridge.stop(), 0);
    assert.deepEqual(bridge.children(), [], 'no process of any server is left');
    rmSync(dir, { recursive: true, force: true });
  });

  test('its tools vanish with list_changed, its calls get an error naming it, the others keep serving, and after it restarts its tools are back', async () => {
    const seen = newSeen();
    const client = await connectCombined(bridge.url, 'streamable-http', { capabilities: allClientCapabilities, setup: (c) => registerRecordingHandlers(c, seen, 'file:///x') });
    const names = async () => (await client.listTools()).tools.map((tool) => tool.name);
    try {
      assert.equal(firstText(await client.callTool({ name: 'flaky__echo', arguments: { text: 'before' } })), 'before');
      writeFileSync(marker, '');
      // The session's own child crashes on the call: the call's error names the server.
      await assert.rejects(client.callTool({ name: 'flaky__crash', arguments: {} }), /server "flaky"/);
      // Then every process of the server is killed: the catalogue's too.
      for (const pid of descendants(bridge.pid).filter((p) => commandLine(p).includes('flaky-marker'))) process.kill(pid, 'SIGKILL');
      await waitFor(async () => !(await names()).includes('flaky__echo'), { what: 'the flaky tools to vanish' });
      await waitFor(() => seen.listChanged.tools >= 1, { what: 'the client to hear tools/list_changed' });
      await assert.rejects(client.callTool({ name: 'flaky__echo', arguments: { text: 'while down' } }), (error: Error) => /not available.*server "flaky" is down/.test(error.message));
      assert.equal(firstText(await client.callTool({ name: 'example__add', arguments: { a: 20, b: 22 } })), '42');
      assert.ok((await names()).includes('example__add'));

      const heard = seen.listChanged.tools;
      rmSync(marker);
      await waitFor(async () => (await names()).includes('flaky__echo'), { what: 'the flaky tools to come back', timeoutMs: 30_000 });
      await waitFor(() => seen.listChanged.tools > heard, { what: 'list_changed for their return' });
      assert.equal(firstText(await client.callTool({ name: 'flaky__echo', arguments: { text: 'after' } })), 'after');
    } finally {
      if (existsSync(marker)) rmSync(marker);
      await closeCombined(client);
    }
  });
});

describe('costs of the combined endpoint follow use', { timeout: 60_000 }, () => {
  let dir: string;
  let bridge: RunningBridge;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-combined-costs-'));
    const config = writeConfig(dir, { mcpServers: { everything: entries.everything, files: entries.files(dir), example: entries.example } });
    bridge = await startBridge(['--config', config, '--no-headStart']);
  });

  after(async () => {
    assert.equal(await bridge.stop(), 0);
    assert.deepEqual(bridge.children(), []);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a session that lists everything and calls only one server starts a child for that server alone, which ends with the session', async () => {
    const catalogues = await waitFor(() => (bridge.children().length === 3 ? bridge.children() : undefined), { what: 'one catalogue process per server' });
    const client = await connectCombined(bridge.url);
    try {
      assert.ok((await client.listTools()).tools.length > 20);
      await client.listPrompts();
      await client.listResources();
      assert.deepEqual(bridge.children().sort(), [...catalogues].sort(), 'listing starts no process');
      assert.equal(firstText(await client.callTool({ name: 'example__add', arguments: { a: 1, b: 1 } })), '2');
      const started = bridge.children().filter((pid) => !catalogues.includes(pid));
      assert.equal(started.length, 1, `one new process: ${started.map(commandLine).join(' | ')}`);
      assert.match(commandLine(started[0]!), /example\/server\.js/);
    } finally {
      await closeCombined(client);
    }
    await waitFor(() => bridge.children().length === 3, { what: 'the session\'s child to end with it' });
  });
});
