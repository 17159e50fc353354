/**
 * The checks every shipped form of mcp-bridge (the installed npm package, the single executable) must pass, run
 * the way its users run it: --version, --help, each subcommand's --help, forward mode and reverse mode.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startBridge, type Launcher, type RunningBridge } from './bridge.js';
import { repoRoot } from './paths.js';
import { isAlive } from './processes.js';
import { firstText } from './sdkClients.js';
import { waitFor } from './wait.js';

/** A shipped mcp-bridge: how to run it, and the example server's script to put behind it (run with this test's Node). */
export interface Shipped {
  launcher: Launcher;
  exampleServer: string;
}

/** The version in the repository's package.json: what every shipped form must print. */
export const packageVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** Runs a shipped mcp-bridge with `args` to completion (at most 30 s). */
export function runShipped(launcher: Launcher, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(launcher.command, [...launcher.args, ...args], {
    cwd: launcher.cwd,
    env: { ...process.env, ...launcher.env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The subcommands `--help` lists under "Commands:" (`  mcp-bridge auth  Sign in …` → auth). */
export function subcommandsOf(help: string): string[] {
  const section = /^Commands:\n((?:[ \t]+\S.*\n?)+)/m.exec(help)?.[1] ?? '';
  return section.split('\n').filter((line) => line.startsWith('  mcp-bridge ')).map((line) => line.trim().split(/\s+/)[1]!);
}

/** `mcp-bridge --stdio "<node> <example server>"` started from the shipped form; resolves with the running bridge. */
function startAroundExample(shipped: Shipped): Promise<RunningBridge> {
  const command = [process.execPath, shipped.exampleServer].map((part) => JSON.stringify(part)).join(' ');
  return startBridge(['--stdio', command], {}, shipped.launcher);
}

async function stopCleanly(bridge: RunningBridge): Promise<void> {
  assert.equal(await bridge.stop(), 0);
  assert.deepEqual(bridge.children(), []);
}

/** Calls the example server's `add` tool through a connected client and checks the sum. */
async function checkAdd(client: Client): Promise<void> {
  assert.equal(firstText(await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } })), '5');
}

/** Registers, in the enclosing suite, the tests every shipped form must pass; `shipped` is read when they run. */
export function shippedSuite(shipped: () => Shipped): void {
  test('--version prints mcp-bridge\'s own version, not that of the directory it runs in', () => {
    const { status, stdout } = runShipped(shipped().launcher, ['--version']);
    assert.equal(status, 0);
    assert.equal(stdout.trim(), packageVersion);
  });

  test('--help and every subcommand\'s --help exit 0 and print their usage', () => {
    const { status, stdout } = runShipped(shipped().launcher, ['--help']);
    assert.equal(status, 0);
    assert.match(stdout, /--stdio/);
    const commands = subcommandsOf(stdout);
    assert.ok(commands.includes('auth'), `the commands listed: ${commands.join(', ')}`);
    for (const command of commands) {
      const help = runShipped(shipped().launcher, [command, '--help']);
      assert.equal(help.status, 0, `${command} --help: ${help.stderr}`);
      assert.ok(help.stdout.includes(`mcp-bridge ${command}`), `${command} --help prints its usage`);
    }
  });

  test('forward mode serves the example server: /healthz answers and an SDK client calls a tool', async () => {
    const bridge = await startAroundExample(shipped());
    try {
      const health = await fetch(`${bridge.url}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      const client = new Client({ name: 'shipped-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', bridge.url)));
      await checkAdd(client);
      await client.close();
    } finally {
      await stopCleanly(bridge);
    }
  });

  test('reverse mode offers the forward bridge to a stdio SDK client, and is gone once the client closes', async () => {
    const { launcher } = shipped();
    const forward = await startAroundExample(shipped());
    try {
      const env = Object.fromEntries(Object.entries({ ...process.env, ...launcher.env }).filter((entry): entry is [string, string] => entry[1] !== undefined));
      const transport = new StdioClientTransport({ command: launcher.command, args: [...launcher.args, '--url', `${forward.url}/mcp`], cwd: launcher.cwd, env, stderr: 'ignore' });
      const client = new Client({ name: 'shipped-desktop', version: '1.0.0' });
      await client.connect(transport);
      const pid = transport.pid!;
      await checkAdd(client);
      await client.close();
      await waitFor(() => !isAlive(pid), { what: 'the reverse bridge to exit' });
    } finally {
      await stopCleanly(forward);
    }
  });
}
