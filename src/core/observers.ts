// The observer interfaces the core calls (relay events, child lifecycle); metrics and readiness
// implement them, the core never imports either.
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { BridgeErrorCode } from '../shared/errors.js';

/**
 * What the core tells whoever watches it (metrics, readiness). The core only calls these
 * interfaces, so it never depends on a metrics library; every method must be cheap and must not throw.
 */

/** Which way a message or byte travels. */
export type Direction = 'client_to_server' | 'server_to_client';

/** How a client request ended: answered by its server (possibly with an error), or by the bridge with an error. */
export type RequestOutcome =
  | { source: 'server'; errorCode?: number }
  | { source: 'bridge'; errorCode: number; reason: BridgeErrorCode };

/** Watches one relay's traffic. */
export interface RelayObserver {
  /** A message the relay passed on unchanged (not the error answers the bridge makes itself). */
  message(direction: Direction, message: JSONRPCMessage): void;
  /** A client request got its one answer, `seconds` after the relay received it. */
  requestDone(method: string, seconds: number, outcome: RequestOutcome): void;
}

/** How a spawned MCP server process ended. */
export interface ProcessExit {
  /** The process that ended. */
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Watches MCP server processes. A start fails when the command cannot be spawned, or when the
 * process ends by itself before writing its first message; that first message counts as a start
 * that succeeded.
 */
export interface ChildObserver {
  spawned(pid: number): void;
  firstMessage(): void;
  /** `cannotSpawn`: the command itself could not be run (ENOENT, EACCES), so no later start will do better by itself. */
  startFailed(detail: string, cannotSpawn?: boolean): void;
  /** A spawned process ended (whoever ended it). */
  exited(exit: ProcessExit): void;
  /** The bridge restarts a shared server that ended (shared session mode). */
  restarted(): void;
  /** Bytes written to the process's stdin (client_to_server) or read from its stdout (server_to_client). */
  bytes(direction: Direction, count: number): void;
  /** Requests waiting for a free slot of a child (`--maxInFlight`) grew or shrank by `delta`. */
  queueChanged(delta: number): void;
  /** A request waited `seconds` in the queue before going to its child. */
  queueWaited(seconds: number): void;
}

/** A ChildObserver that tells each of `observers` everything. */
export function allChildObservers(...observers: Partial<ChildObserver>[]): ChildObserver {
  return {
    spawned: (pid) => observers.forEach((o) => o.spawned?.(pid)),
    firstMessage: () => observers.forEach((o) => o.firstMessage?.()),
    startFailed: (detail, cannotSpawn) => observers.forEach((o) => o.startFailed?.(detail, cannotSpawn)),
    exited: (exit) => observers.forEach((o) => o.exited?.(exit)),
    restarted: () => observers.forEach((o) => o.restarted?.()),
    // Per message: a plain loop, no closure.
    bytes: (direction, count) => {
      for (const observer of observers) observer.bytes?.(direction, count);
    },
    queueChanged: (delta) => observers.forEach((o) => o.queueChanged?.(delta)),
    queueWaited: (seconds) => observers.forEach((o) => o.queueWaited?.(seconds)),
  };
}

/**
 * A ChildObserver for children started before their observer exists (they start before the metrics
 * library loads, for the cold start): it holds their events, then passes them, and every later one,
 * to the observer given to attach().
 */
export class LateChildObserver implements ChildObserver {
  private target: Partial<ChildObserver> | undefined;
  // Bounded in case attach never comes (the bridge failed to start): a few events per child are expected.
  private readonly held: ((target: Partial<ChildObserver>) => void)[] = [];
  private static readonly maxHeld = 10_000;

  /** Replays the held events to `target`, then forwards to it directly. */
  attach(target: Partial<ChildObserver>): void {
    this.target = target;
    for (const event of this.held.splice(0)) event(target);
  }

  spawned(pid: number): void {
    this.tell((o) => o.spawned?.(pid));
  }
  firstMessage(): void {
    this.tell((o) => o.firstMessage?.());
  }
  startFailed(detail: string, cannotSpawn?: boolean): void {
    this.tell((o) => o.startFailed?.(detail, cannotSpawn));
  }
  exited(exit: ProcessExit): void {
    this.tell((o) => o.exited?.(exit));
  }
  restarted(): void {
    this.tell((o) => o.restarted?.());
  }
  bytes(direction: Direction, count: number): void {
    // Per message: straight to the target once attached, without a closure.
    if (this.target) this.target.bytes?.(direction, count);
    else this.tell((o) => o.bytes?.(direction, count));
  }
  queueChanged(delta: number): void {
    this.tell((o) => o.queueChanged?.(delta));
  }
  queueWaited(seconds: number): void {
    this.tell((o) => o.queueWaited?.(seconds));
  }

  private tell(event: (target: Partial<ChildObserver>) => void): void {
    if (this.target) event(this.target);
    else if (this.held.length < LateChildObserver.maxHeld) this.held.push(event);
  }
}
