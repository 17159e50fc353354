/**
 * Starts and stops the gateway (`node dist/cli/main.js --stdio <bench server> --port 0`) or a floor relay
 * (`node bench/floor.js`, `node bench/floorPerSession.js`) for one benchmark column.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliPath } from '../test/helpers/paths.js';
import { descendants, isAlive } from '../test/helpers/processes.js';
import { forget, track } from './cleanup.js';

export type SessionMode = 'per-session' | 'shared';

/** The compiled benchmark server, and the argv that runs it with this Node. */
export const serverPath = join(fileURLToPath(new URL('.', import.meta.url)), 'server.js');
export const serverArgv: readonly string[] = [process.execPath, serverPath];

/**
 * Limits raised for the benchmark: a 16 MiB result is a line longer than the default --maxLineBytes
 * (16MiB) once wrapped in JSON-RPC, and more than the default --maxSessionBufferBytes (8MiB) queued.
 */
const benchLimits = ['--maxLineBytes', '64MiB', '--maxSessionBufferBytes', '64MiB'];

/** A running gateway process. */
export interface RunningGateway {
  url: string;
  pid: number;
  /** SIGTERM, wait up to 10 s, then SIGKILL what is left of its tree; resolves when it has exited. */
  stop(): Promise<void>;
}

/** The CLI benchmarked by default: this checkout's build. */
export const defaultCli = cliPath;

/** True when this build of the CLI knows `--sessionMode` (another branch adds shared mode). */
export function supportsSessionMode(cli: string): boolean {
  return execFileSync(process.execPath, [cli, '--help'], { encoding: 'utf8' }).includes('sessionMode');
}

/** The compiled floor relays: one shared child (bench/floor.ts), or one child per session (bench/floorPerSession.ts). */
export const floorPath = join(fileURLToPath(new URL('.', import.meta.url)), 'floor.js');
export const floorPerSessionPath = join(fileURLToPath(new URL('.', import.meta.url)), 'floorPerSession.js');

/**
 * Spawns the gateway (`cli`, a built dist/cli/main.js) in `mode`, with `extra` flags (default none), and resolves
 * once it logs its URL (event-driven: no polling delay in cold starts).
 */
export function startGateway(cli: string, mode: SessionMode, withModeFlag: boolean, extra: readonly string[] = []): Promise<RunningGateway> {
  const args = [...forwardArgs(cli), '--port', '0', ...extra];
  if (withModeFlag) args.push('--sessionMode', mode);
  return startListening('gateway', args);
}

/** `cli --stdio <bench server> --host 127.0.0.1` with the raised limits: the forward gateway's argv without a port. */
export function forwardArgs(cli: string): string[] {
  const command = serverArgv.map((part) => JSON.stringify(part)).join(' ');
  return [cli, '--stdio', command, '--host', '127.0.0.1', ...benchLimits];
}

/**
 * Spawns the gateway in gateway mode (`--config`) with the bench server as the one server of a temporary
 * file, named `bench`, with an empty prefix (so the combined endpoint offers its tools under their own names).
 */
export async function startGatewayMode(cli: string): Promise<RunningGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-bench-'));
  const config = join(dir, 'mcp.json');
  writeFileSync(config, JSON.stringify({ mcpServers: { bench: { command: serverArgv[0], args: serverArgv.slice(1) } }, 'mcp-bridge': { servers: { bench: { prefix: '' } } } }));
  const gateway = await startListening('gateway', [cli, '--config', config, '--port', '0', '--host', '127.0.0.1', ...benchLimits]).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return { ...gateway, stop: () => gateway.stop().finally(() => rmSync(dir, { recursive: true, force: true })) };
}

/** Spawns the floor relay (`perSession`: the one with a child per session; default the shared one) on a free port of 127.0.0.1 and resolves once it listens. */
export function startFloor(perSession = false): Promise<RunningGateway> {
  return perSession ? startListening('floor per-session', [floorPerSessionPath]) : startListening('floor', [floorPath]);
}

/** Spawns `node ...args` and resolves once it logs "listening on URL"; `what` names it in errors. */
export async function startListening(what: string, args: string[]): Promise<RunningGateway> {
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const pid = proc.pid!;
  const exited = once(proc, 'exit');
  const stop = async (): Promise<void> => {
    const family = [pid, ...descendants(pid)];
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    const timer = setTimeout(() => family.forEach((p) => isAlive(p) && process.kill(p, 'SIGKILL')), 10_000);
    await exited;
    clearTimeout(timer);
    forget(pid);
  };
  track(pid, stop);
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not listen within 15 s: ${stderr}`)), 15_000);
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      // Keep only the tail: this is for error messages, and the gateway runs for a long time.
      stderr = (stderr + chunk).slice(-8192);
      const match = /listening on (http:\/\/[\d.:]+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}: ${stderr}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url, pid, stop };
}
