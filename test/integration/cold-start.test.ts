/**
 * Cold start (issue 18): forward mode spawns its stdio server before anything heavy loads, the first session
 * runs on that very child, and no way out of a launch leaves it behind. Observed from outside: the gateway runs
 * with a preload (test/helpers/launchTrace.ts) that reports each spawn, each file loaded, and each load of a module
 * holding yargs, winston, express, prom-client or the MCP SDK, on stderr in the order they happen.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { startBridge, type Launcher } from '../helpers/bridge.js';
import { cliPath, fixtureCommand, repoRoot } from '../helpers/paths.js';
import { descendants, isAlive } from '../helpers/processes.js';
import { connectClient } from '../helpers/sdkClients.js';
import { waitFor } from '../helpers/wait.js';

const preload = pathToFileURL(join(repoRoot, 'build-test', 'test', 'helpers', 'launchTrace.js')).href;
const traced: Launcher = { command: process.execPath, args: ['--import', preload, cliPath] };

/** The launch trace in `stderr`, in order: "spawned PID" and "load NAME" entries (and "file NAME" ones with `files`). */
function traceOf(stderr: string, files = false): string[] {
  const entries = [...stderr.matchAll(/^launch-trace (spawned \S+|load \S+|file \S+)$/gm)].map((match) => match[1]!);
  return files ? entries : entries.filter((entry) => !entry.startsWith('file '));
}

test('forward mode spawns its server before winston, express and prom-client load, never loads yargs or the SDK to listen, and the first session runs on that child', async () => {
  const bridge = await startBridge(['--stdio', fixtureCommand('test-server')], {}, traced);
  let family: number[] = [];
  try {
    // The launcher is bundled alone: the entry and one file are all that load before the spawn.
    const withFiles = traceOf(bridge.stderr(), true);
    const spawnedAt = withFiles.findIndex((entry) => entry.startsWith('spawned'));
    assert.deepEqual(withFiles.slice(0, spawnedAt), ['file main.js', 'file launch.js'], `the files loaded before the spawn: ${withFiles.join(', ')}`);
    const trace = traceOf(bridge.stderr());
    const heavy = trace.filter((entry) => entry.startsWith('load '));
    for (const name of ['winston', 'express', 'prom-client']) assert.ok(heavy.includes(`load ${name}`), `the trace saw ${name} load: ${trace.join(', ')}`);
    // Plain flags need no yargs, and the session-era endpoints none of the SDK's schemas.
    for (const name of ['yargs', '@modelcontextprotocol/sdk']) assert.ok(!heavy.includes(`load ${name}`), `${name} is not loaded to listen: ${trace.join(', ')}`);
    assert.match(trace[0] ?? '', /^spawned \d+$/, `the server is spawned before any heavy module loads: ${trace.join(', ')}`);
    const launched = Number(trace[0]!.split(' ')[1]);
    assert.equal(trace.filter((entry) => entry.startsWith('spawned')).length, 1, 'one child spawned at launch, no second one');
    const client = await connectClient(bridge.url, 'streamable-http');
    family = [bridge.pid, ...bridge.children()];
    assert.match(client.client.getInstructions() ?? '', new RegExp(`pid ${launched}\\b`), 'the first session runs on the child spawned first');
    await client.close();
  } finally {
    assert.equal(await bridge.stop(), 0, `bridge exit code; stderr:\n${bridge.stderr()}`);
  }
  assert.deepEqual(family.filter(isAlive), [], 'no child survives the bridge');
});

test('a SIGTERM while the gateway is still starting stops the server it spawned at launch too', async () => {
  const proc = spawn(traced.command, [...traced.args, '--port', '0', '--stdio', fixtureCommand('test-server')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(proc, 'exit');
  try {
    const launched = await waitFor(() => /^launch-trace spawned (\d+)$/m.exec(stderr)?.[1], { what: 'the launch spawn' });
    proc.kill('SIGTERM');
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    assert.ok(code === 0 || signal === 'SIGTERM', `ended by the signal or a clean shutdown: code ${code}, signal ${signal}; stderr:\n${stderr}`);
    await waitFor(() => !isAlive(Number(launched)), { what: `the child ${launched} to be gone` });
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  }
  assert.deepEqual(descendants(proc.pid!), []);
});

test('--help, an unknown flag and a command that cannot be found spawn nothing: yargs and the usual checks answer as always', async () => {
  const cases: { args: string[]; code: number; says: RegExp }[] = [
    { args: ['--stdio', fixtureCommand('test-server'), '--help'], code: 0, says: /--stdio/ },
    { args: ['--stdio', fixtureCommand('test-server'), '--bogusFlag'], code: 2, says: /Unknown argument: bogusFlag/ },
    { args: ['--stdio', 'no-such-mcp-server-command'], code: 2, says: /was not found on PATH/ },
  ];
  for (const { args, code, says } of cases) {
    const proc = spawn(traced.command, [...traced.args, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const [exitCode] = (await once(proc, 'exit')) as [number | null];
    assert.equal(exitCode, code, `${args.join(' ')}:\n${output}`);
    assert.match(output, says);
    assert.deepEqual(traceOf(output).filter((entry) => entry.startsWith('spawned')), [], `${args.join(' ')} spawned nothing`);
  }
});
