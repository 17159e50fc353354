/**
 * `mcp-bridge chat` as the chat tests run it: a real child process (`node dist/cli/main.js chat …`)
 * talking to the Messages API stand-in (ANTHROPIC_BASE_URL) with a fake key, its output collected,
 * its exit awaited, and its children (the MCP servers it started) checked gone afterwards.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, fixturePath } from './paths.js';
import { descendants, isAlive } from './processes.js';
import { waitFor } from './wait.js';

/** The fake key every chat test runs with; it must never appear in the chat's output. */
export const FAKE_KEY = 'sk-ant-api03-FAKE-chat-test-key-0123456789';

/** The test server fixture as the words after `--`. */
export const testServerCommand = [process.execPath, fixturePath('test-server')];

/** A running chat process. */
export interface ChatProcess {
  readonly proc: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Writes to its stdin (a line needs its own `\n`). */
  type(text: string): void;
  /** Ends its stdin. */
  endInput(): void;
  /** Waits for text on stdout or stderr (default 15 s). */
  waitForOutput(pattern: RegExp | string, stream?: 'stdout' | 'stderr'): Promise<void>;
  /** Live descendants (the MCP server processes it started). */
  children(): number[];
  /** Waits for the exit (default 20 s, then SIGKILL) and returns its code. */
  exited(): Promise<number | null>;
}

// Every family of processes a test started, so that a test that fails half-way leaves nothing running.
const families = new Set<Set<number>>();

/** Kills (SIGKILL) whatever chat processes and servers are still alive; for a test file's `after`. */
export function killLeftoverChats(): void {
  for (const family of families) for (const pid of family) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  families.clear();
}

/** Starts `mcp-bridge chat …args` against the stand-in at `apiUrl`; `env` is added on top. */
export function startChat(args: string[], apiUrl: string, env: NodeJS.ProcessEnv = {}): ChatProcess {
  const proc = spawn(process.execPath, [cliPath, 'chat', ...args], {
    env: { ...process.env, ANTHROPIC_API_KEY: FAKE_KEY, ANTHROPIC_BASE_URL: apiUrl, ANTHROPIC_MODEL: '', ANTHROPIC_LOG: '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  const pid = proc.pid!;
  const family = new Set<number>([pid]);
  families.add(family);
  // Remember every descendant seen, so a straggler can be killed even after the chat itself is gone.
  const watch = setInterval(() => descendants(pid).forEach((child) => family.add(child)), 50);
  watch.unref();
  return {
    proc,
    pid,
    stdout: () => stdout,
    stderr: () => stderr,
    type: (text) => void proc.stdin!.write(text),
    endInput: () => void proc.stdin!.end(),
    waitForOutput: async (pattern, stream) => {
      const matches = (text: string): boolean => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
      await waitFor(() => (stream !== 'stderr' && matches(stdout)) || (stream !== 'stdout' && matches(stderr)) || proc.exitCode !== null, {
        timeoutMs: 15_000,
        what: `${String(pattern)} in the chat's output`,
      });
      if (!((stream !== 'stderr' && matches(stdout)) || (stream !== 'stdout' && matches(stderr)))) {
        throw new Error(`chat exited with ${proc.exitCode} before ${String(pattern)}:\nstdout: ${stdout}\nstderr: ${stderr}`);
      }
    },
    children: () => descendants(pid),
    exited: async () => {
      const timer = setTimeout(() => [...family].forEach((p) => isAlive(p) && process.kill(p, 'SIGKILL')), 20_000);
      const code = await exit;
      clearTimeout(timer);
      clearInterval(watch);
      await waitFor(() => [...family].every((p) => !isAlive(p)), { what: 'the chat and its MCP servers to be gone' });
      return code;
    },
  };
}

/** Checks the fake key appears nowhere in what the chat printed. */
export function assertKeyNeverPrinted(chat: ChatProcess): void {
  assert.ok(!chat.stdout().includes(FAKE_KEY) && !chat.stderr().includes(FAKE_KEY), 'the API key was printed');
  assert.ok(!chat.stderr().includes(FAKE_KEY.slice(10, 30)), 'part of the API key was printed');
}

/** Writes a Claude Desktop config file with two test servers, `alpha` and `beta`; returns its path. */
export function twoServerConfig(): string {
  const path = join(tmpdir(), `mcp-bridge-chat-${process.pid}-${Date.now()}.json`);
  const server = { command: process.execPath, args: [fixturePath('test-server')] };
  writeFileSync(path, JSON.stringify({ mcpServers: { alpha: server, beta: server } }));
  return path;
}
