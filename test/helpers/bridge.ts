import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before } from 'node:test';
import { cliPath } from './paths.js';
import { descendants, isAlive } from './processes.js';
import { waitFor } from './wait.js';

/** A running mcp-bridge process started by a test. */
export interface RunningBridge {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  proc: ChildProcess;
  pid: number;
  /** Everything the bridge wrote to stderr so far. */
  stderr(): string;
  /** Live descendants (children, grandchildren) of the bridge. */
  children(): number[];
  /** SIGTERM (default) and wait for exit; returns the exit code. Kills stragglers after 10 s. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** How a test runs mcp-bridge: a program, the arguments before mcp-bridge's own, the working directory (default: the test's) and variables set on top of the test's environment. */
export interface Launcher {
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** `node dist/cli/main.js`, the build most tests run. */
export const builtCli: Launcher = { command: process.execPath, args: [cliPath] };

/** Starts `mcp-bridge --port 0 …args` (on the port `--port` in `args` names, if it does; by default `node dist/cli/main.js`) and waits for its "listening on URL" log line. */
export async function startBridge(args: string[], env: NodeJS.ProcessEnv = {}, launcher: Launcher = builtCli): Promise<RunningBridge> {
  // A port given in `args` (a replica restarted on its own port) replaces the free one.
  const port = args.includes('--port') ? [] : ['--port', '0'];
  const proc = spawn(launcher.command, [...launcher.args, ...port, ...args], {
    cwd: launcher.cwd,
    env: { ...process.env, ...launcher.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  proc.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const pid = proc.pid!;
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    const family = [pid, ...descendants(pid)];
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    const timer = setTimeout(() => family.forEach((p) => isAlive(p) && process.kill(p, 'SIGKILL')), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  try {
    const url = await waitFor(() => /listening on (http:\/\/[\d.:]+)/.exec(stderr)?.[1] ?? (proc.exitCode !== null ? 'exited' : undefined), {
      what: 'the bridge to listen',
      // Beside the 64-session scale-out tests a start may take several seconds on 2 cores.
      timeoutMs: 30_000,
    });
    if (url === 'exited') throw new Error(`bridge exited with ${proc.exitCode}: ${stderr}`);
    return { url, proc, pid, stderr: () => stderr, children: () => descendants(pid), stop };
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
}

/**
 * Starts a bridge with `args` before the enclosing suite's tests; after them, stops it and checks
 * that it exited with 0 and left no process behind. Returns a getter for the running bridge.
 */
export function bridgeForSuite(args: string[]): () => RunningBridge {
  let bridge: RunningBridge | undefined;
  before(async () => {
    bridge = await startBridge(args);
  });
  after(async () => {
    assert.equal(await bridge!.stop(), 0);
    assert.deepEqual(bridge!.children(), []);
  });
  return () => bridge!;
}
