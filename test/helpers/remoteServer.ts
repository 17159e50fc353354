/** Starts, stops and restarts the SDK-built remote MCP server fixture (test/fixtures/remote-server.ts). */
import { spawn, type ChildProcess } from 'node:child_process';
import { fixturePath } from './paths.js';
import { isAlive } from './processes.js';
import { waitFor } from './wait.js';

/** Options of the remote server fixture. */
export interface RemoteServerOptions {
  /** `--strict`: legacy SSE sessions refuse every request but `initialize` until initialized. */
  strict?: boolean;
  /** `--stale`: answer an unknown session with 400 as real servers do, or (legacy SSE) never answer its POST. */
  stale?: '400' | 'hang';
}

interface Launched {
  proc: ChildProcess;
  pid: number;
  url: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Spawns the fixture on `port` and waits for its "listening on URL" line; throws with its stderr if it exits first. */
async function launch(port: number, options: RemoteServerOptions): Promise<Launched> {
  const args = [fixturePath('remote-server'), '--port', String(port), ...(options.strict ? ['--strict'] : []), ...(options.stale ? ['--stale', options.stale] : [])];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = await waitFor(() => /listening on (http:\/\/[\d.:]+)/.exec(stderr)?.[1] ?? (proc.exitCode !== null ? 'exited' : undefined), {
    what: 'the remote server to listen',
  }).catch((error: unknown) => {
    proc.kill('SIGKILL');
    throw error;
  });
  if (url === 'exited') throw new Error(`the remote server exited with ${proc.exitCode}: ${stderr}`);
  return { proc, pid: proc.pid!, url, stderr: () => stderr, exited };
}

/**
 * One remote server fixture process at a time, on a port that stays the same across restarts.
 * Every test that starts one must `stop()` it.
 */
export class RemoteServer {
  private constructor(
    private current: Launched,
    private readonly options: RemoteServerOptions,
  ) {}

  /** Starts the fixture on a free port (or `port`). */
  static async start(options: RemoteServerOptions = {}, port = 0): Promise<RemoteServer> {
    return new RemoteServer(await launch(port, options), options);
  }

  /** Base URL, e.g. http://127.0.0.1:41234 (clients use /mcp or /sse under it). */
  get url(): string {
    return this.current.url;
  }

  get port(): number {
    return Number(new URL(this.current.url).port);
  }

  /** Pid of the current server process. */
  get pid(): number {
    return this.current.pid;
  }

  /** What the current process wrote to stderr so far. */
  stderr(): string {
    return this.current.stderr();
  }

  /** Ids of the sessions of the current process that are open (from its `session open|closed` lines). */
  openSessions(): string[] {
    const open = new Set<string>();
    for (const [, state, id] of this.stderr().matchAll(/^session (open|closed) \S+ (\S+)$/gm)) {
      if (state === 'open') open.add(id!);
      else open.delete(id!);
    }
    return [...open];
  }

  /** SIGTERM and wait for the exit (SIGKILL after 10 s); returns the exit code, null if killed by a signal. */
  async stop(): Promise<number | null> {
    const { proc, exited } = this.current;
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    const timer = setTimeout(() => isAlive(proc.pid!) && proc.kill('SIGKILL'), 10_000);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Stops the server and starts a new process on the same port (retrying while the port is still
   * taken), as a server restart looks to its clients: every session is gone. Returns the new url and pid.
   */
  async restart(): Promise<{ url: string; pid: number }> {
    const port = this.port;
    const code = await this.stop();
    if (code !== 0) throw new Error(`the remote server exited with ${code} when stopped: ${this.stderr()}`);
    let lastError: unknown;
    const started = await waitFor(
      async () => {
        try {
          return await launch(port, this.options);
        } catch (error) {
          if (!/EADDRINUSE/.test(String(error))) throw error;
          lastError = error;
          return undefined;
        }
      },
      { what: `port ${port} to be free again`, intervalMs: 50 },
    ).catch((error: unknown) => {
      throw lastError !== undefined && /timed out/.test(String(error)) ? lastError : error;
    });
    this.current = started;
    return { url: started.url, pid: started.pid };
  }
}
