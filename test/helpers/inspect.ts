// Runs `mcp-bridge inspect …` as a real process for the tests: its exit status and what it printed,
// with stdin given (or closed), and the processes it started found again by a marker in their command line.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, fixturePath, repoRoot } from './paths.js';
import { waitFor } from './wait.js';

/** What one inspect run did. */
export interface InspectResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The published server-everything's entry point. */
export const everything = join(repoRoot, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js');

/** argv of a stdio command running server-everything, tagged with `marker` so its processes can be found. */
export const everythingCommand = (marker = 'inspect-test'): string[] => [process.execPath, everything, 'stdio', marker];

/** argv of a stdio command running our test server. */
export const testServerCommand = (): string[] => [process.execPath, fixturePath('test-server')];

/** Variables every run gets: no target or key inherited from the test's environment, tokens in `authDir`. */
function environment(env: NodeJS.ProcessEnv, authDir: string | undefined): NodeJS.ProcessEnv {
  const base = { ...process.env };
  delete base.MCP_SERVER_URL;
  delete base.MCP_API_KEY;
  delete base.MCP_BRIDGE_CONFIG;
  return { ...base, ...(authDir && { MCP_BRIDGE_AUTH_DIR: authDir }), ...env };
}

/** Starts `mcp-bridge inspect …args` with stdin piped (written `input`, then closed) and collects its output. */
export function startInspect(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; authDir?: string; keepStdinOpen?: boolean } = {}): {
  proc: ChildProcess;
  output: () => { stdout: string; stderr: string };
  done: Promise<InspectResult>;
} {
  const proc = spawn(process.execPath, [cliPath, 'inspect', ...args], { cwd: options.cwd, env: environment(options.env ?? {}, options.authDir), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  if (options.input !== undefined) proc.stdin!.write(options.input);
  if (!options.keepStdinOpen) proc.stdin!.end();
  const killer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
  const done = new Promise<InspectResult>((resolve) => proc.once('close', (status) => {
    clearTimeout(killer);
    resolve({ status, stdout, stderr });
  }));
  return { proc, output: () => ({ stdout, stderr }), done };
}

/** Runs inspect to its end. */
export function runInspect(args: string[], options: Parameters<typeof startInspect>[1] = {}): Promise<InspectResult> {
  return startInspect(args, options).done;
}

/** Pids of live processes whose command line holds `marker`. */
export function processesWith(marker: string): number[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).flatMap((entry) => {
    try {
      return readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(marker) ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

/** Waits until no process holds `marker` (a server a finished inspect started must be gone). */
export async function noProcessWith(marker: string): Promise<void> {
  await waitFor(() => processesWith(marker).length === 0, { what: `no process with ${marker}`, timeoutMs: 5000 });
}
