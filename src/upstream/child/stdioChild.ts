// A stdio MCP server as a child process: spawn, newline-delimited JSON both ways, stderr to the
// log, and how its exit is explained.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ChildCommand } from './options.js';
import type { UpstreamFactory } from '../../core/gateway.js';
import type { ChildObserver } from '../../core/observers.js';
import type { CloseReason } from '../../core/relay.js';
import type { Logger } from '../../shared/log.js';
import { adoptHeldChild, spawnServerProcess, spawnSpec } from './heldChild.js';
import { InFlightLimit } from './inFlightLimit.js';
import { readChildOutput } from './childOutput.js';
import { StdinWriter } from './stdinWriter.js';

/** How a child ended: its exit code and signal, or the error that kept it from starting. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  startError?: Error;
}

/**
 * A stdio MCP server as a Transport: spawned without a shell (unless configured) in its own process
 * group, newline-delimited JSON on stdin/stdout with a line-size limit, stderr to the log. close()
 * terminates the whole group: SIGTERM, then SIGKILL after `killGraceMs`.
 */
export class StdioChildTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  /** Set once the child has ended. */
  exit: ChildExit | undefined;

  private child: ChildProcessWithoutNullStreams | undefined;
  private spawned = false;
  private answered = false;
  private closing = false;
  private stdin: StdinWriter | undefined;
  private readonly exited: Promise<void>;
  private markExited!: () => void;
  private starting: Promise<void> | undefined;
  /** Holds requests beyond `maxInFlight` (none without a limit). */
  private readonly limit: InFlightLimit | undefined;

  constructor(
    private readonly options: ChildCommand,
    private log: Logger,
    private readonly sourceEnv: NodeJS.ProcessEnv = process.env,
    /** Told about spawn, first message, exit and bytes (default: nobody). */
    private readonly observer: Partial<ChildObserver> = {},
  ) {
    this.exited = new Promise((resolve) => (this.markExited = resolve));
    const limits = options.inFlight;
    // A queued request failing to go out later is answered by onclose, as every request in flight is.
    if (limits && limits.maxInFlight > 0) this.limit = new InFlightLimit(limits, (message) => void this.write(message).catch(() => {}), observer);
  }

  /** The child's pid once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns the child; calling it again (a prespawned child handed to a session) waits for that same spawn. */
  start(): Promise<void> {
    return (this.starting ??= this.spawnChild());
  }

  /** Logs from now on with `log` (a prespawned child taken by a session logs with the session's context). */
  adoptLogger(log: Logger): void {
    this.log = log;
  }

  private async spawnChild(): Promise<void> {
    const spec = spawnSpec(this.options, this.sourceEnv);
    // The child spawned at launch for this command, if any (cold start), else a new one.
    const held = adoptHeldChild(spec);
    const child = held?.process ?? spawnServerProcess(spec);
    this.child = child;
    child.once('error', (error) => this.ended({ code: null, signal: null, startError: error }));
    // The leader is gone: kill what is left of its group, so the pipes close and 'close' follows.
    child.once('exit', () => this.signalGroup('SIGKILL'));
    // 'close' comes after stdout is drained, so a last response written just before exit still arrives.
    child.once('close', (code, signal) => this.ended({ code, signal }));
    child.stdin.on('error', (error) => this.log.debug('child stdin closed', { error: error.message }));
    this.stdin = new StdinWriter(child.stdin, this.options.maxBacklogBytes, () => this.log, (bytes) => this.observer.bytes?.('client_to_server', bytes));
    readChildOutput(child, {
      maxLineBytes: this.options.maxLineBytes,
      observer: this.observer,
      log: () => this.log,
      message: (message) => this.received(message),
      replacedAnswer: (answer) => {
        this.limit?.observe(answer);
        this.onmessage?.(answer);
      },
      answerChild: (message) => void this.write(message).catch(() => {}),
      heard: () => this.stdin?.heard(),
    });
    // Wait until the process exists, so a command that cannot start fails the session's opening.
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', () => {
        this.spawned = true;
        this.observer.spawned?.(child.pid!);
        resolve();
      });
      child.once('error', reject);
    });
    held?.replay();
    await spawned;
    this.log.debug('child spawned', { pid: child.pid, command: spec.command });
  }

  /**
   * Writes one line to the child's stdin, honouring backpressure: while the pipe needs draining,
   * lines wait in order and resolve once handed to the pipe. With more than `maxBacklogBytes`
   * already waiting, the message is refused (SERVER_BACKLOGGED) instead of buffered without bound.
   * With `maxInFlight`, a request beyond it waits its turn (or is refused, SERVER_BUSY, when the queue is full).
   */
  async send(message: JSONRPCMessage): Promise<void> {
    if (this.limit && !this.limit.admit(message)) return;
    return this.write(message);
  }

  private async write(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || !this.stdin || this.exit || stdin.destroyed) throw new Error('MCP server process is not running');
    return this.stdin.write(JSON.stringify(message) + '\n');
  }

  /** Terminates the child's process group and resolves once the child has exited. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child?.pid || this.exit) return this.exited;
    this.closing = true;
    this.stdin?.end();
    this.signalGroup('SIGTERM');
    const killer = setTimeout(() => this.signalGroup('SIGKILL'), this.options.killGraceMs);
    killer.unref();
    await this.exited;
    clearTimeout(killer);
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  }

  private ended(exit: ChildExit): void {
    if (this.exit) return;
    this.exit = exit;
    // Counted for every process that existed, so the children gauge cannot drift.
    if (this.spawned) this.observer.exited?.({ pid: this.child!.pid!, code: exit.code, signal: exit.signal });
    if (exit.startError) {
      this.log.error('the MCP server could not be started', { error: exit.startError.message });
      this.observer.startFailed?.(exit.startError.message, true);
    } else {
      this.log.info('child exited', { pid: this.child?.pid, code: exit.code, signal: exit.signal });
      // Ending by itself before saying anything is a failed start (a bad flag, a missing module).
      if (!this.answered && !this.closing) {
        this.log.warn('the MCP server exited before writing any message');
        this.observer.startFailed?.(`exited before answering (${explainExit(exit).detail})`);
      }
    }
    this.markExited();
    this.stdin?.failWaiting(new Error('MCP server process is not running'));
    this.limit?.clear();
    this.onclose?.();
  }

  private received(message: JSONRPCMessage): void {
    if (!this.answered) {
      this.answered = true;
      this.observer.firstMessage?.();
    }
    this.limit?.observe(message);
    this.onmessage?.(message);
  }
}

/** Explains how a child ended, for the errors its in-flight requests receive. */
export function explainExit(exit: ChildExit | undefined): CloseReason {
  if (!exit) return { code: 'CHILD_EXITED' };
  if (exit.startError) return { code: 'CHILD_START_FAILED', detail: exit.startError.message };
  return { code: 'CHILD_EXITED', detail: exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}` };
}

/** An upstream factory that spawns one child per session, each reported to `observer` (default: nobody). */
export function stdioChildUpstream(command: ChildCommand, observer: Partial<ChildObserver> = {}): UpstreamFactory {
  return (log) => {
    const transport = new StdioChildTransport(command, log, process.env, observer);
    return { transport, explainClose: () => explainExit(transport.exit) };
  };
}
