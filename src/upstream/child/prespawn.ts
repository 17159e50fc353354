// Children spawned ahead of their sessions (`--prespawn`), so a new session does not wait for a
// server to start.
import type { ChildCommand } from './options.js';
import type { UpstreamFactory } from '../../core/gateway.js';
import type { ChildObserver } from '../../core/observers.js';
import type { Logger } from '../../shared/log.js';
import { backoffDelay } from '../remote/backoff.js';
import { explainExit, StdioChildTransport } from './stdioChild.js';

/** Options for children spawned ahead of their sessions (per-session mode). */
export interface PrespawnOptions {
  command: ChildCommand;
  /** Children kept spawned and waiting (0: none, every session spawns its own). */
  count: number;
  log: Logger;
  observer?: Partial<ChildObserver>;
  /** How many more sessions may open now (--maxSessions minus live ones; default: no bound). */
  room?: () => number;
  /** False: spawn `count` children once and never replace them (the head start; default true). */
  refill?: boolean;
}

/**
 * Per-session children spawned before their session exists, so a new session skips the process
 * start. They are spawned but not initialized: the client's own `initialize` is still the first
 * message each child reads, so it negotiates exactly what that client asked for. Taken children
 * are replaced at once; idle ones that die are replaced after a backoff.
 */
export class PrespawnedChildren {
  private readonly idle: StdioChildTransport[] = [];
  /** Every child not yet handed to a session (spawning or idle), so close() reaches them all. */
  private readonly untaken = new Set<StdioChildTransport>();
  private failures = 0;
  private closed = false;
  private refillTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: PrespawnOptions) {}

  /** Pids of the idle children (for tests and diagnostics). */
  get idlePids(): number[] {
    return this.idle.map((child) => child.pid!).filter(Boolean);
  }

  /**
   * Spawns the first children now, so `room` must already answer. Not on a later turn: module
   * loading that follows (the HTTP stack) may not yield to the event loop, which would hold the
   * spawn back until it is done (Node 22), and the head start is about starting early.
   */
  start(): void {
    this.refill();
  }

  /** A spawned child for a new session (a fresh one when none is waiting), logging with `log`. */
  take(log: Logger): StdioChildTransport {
    const child = this.idle.shift();
    if (this.options.refill !== false) setImmediate(() => this.refill());
    if (!child) return new StdioChildTransport(this.options.command, log, process.env, this.options.observer);
    this.untaken.delete(child);
    this.failures = 0;
    child.adoptLogger(log);
    child.onclose = undefined;
    return child;
  }

  /** Stops every child not handed to a session. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.refillTimer);
    await Promise.all([...this.untaken].map((child) => child.close()));
  }

  private refill(): void {
    if (this.closed) return;
    const wanted = Math.min(this.options.count, this.options.room?.() ?? Infinity) - this.untaken.size;
    for (let i = 0; i < wanted && !this.closed; i++) void this.spawnOne();
  }

  private async spawnOne(): Promise<void> {
    const child = new StdioChildTransport(this.options.command, this.options.log.child({ prespawned: true }), process.env, this.options.observer);
    this.untaken.add(child);
    child.onclose = () => this.idleChildEnded(child);
    try {
      await child.start();
      if (this.untaken.has(child) && !child.exit) this.idle.push(child);
    } catch {
      // idleChildEnded has counted the failure
    }
  }

  private idleChildEnded(child: StdioChildTransport): void {
    this.untaken.delete(child);
    const at = this.idle.indexOf(child);
    if (at >= 0) this.idle.splice(at, 1);
    if (this.closed) return;
    this.options.log.warn('a prespawned MCP server ended before any session used it', { reason: explainExit(child.exit).detail });
    if (this.options.refill === false) return;
    const delay = backoffDelay(this.failures++, { attempts: Infinity, initialDelayMs: 500, maxDelayMs: 30_000 });
    clearTimeout(this.refillTimer);
    this.refillTimer = setTimeout(() => this.refill(), delay);
    this.refillTimer.unref();
  }
}

/** A per-session upstream factory that hands out prespawned children, plus the pool to close at shutdown. */
export function prespawnedChildUpstream(options: PrespawnOptions): { upstream: UpstreamFactory; children: PrespawnedChildren } {
  const children = new PrespawnedChildren(options);
  children.start();
  return {
    children,
    upstream: (log) => {
      const transport = children.take(log);
      return { transport, explainClose: () => explainExit(transport.exit) };
    },
  };
}
