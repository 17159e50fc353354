import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { BridgeErrorCode } from '../errors.js';

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
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Watches MCP server processes. A start fails when the command cannot be spawned, or when the
 * process ends by itself before writing its first message; that first message counts as a start
 * that succeeded.
 */
export interface ChildObserver {
  spawned(): void;
  firstMessage(): void;
  startFailed(detail: string): void;
  /** A spawned process ended (whoever ended it). */
  exited(exit: ProcessExit): void;
  /** The bridge restarts a shared server that ended (shared session mode). */
  restarted(): void;
  /** Bytes written to the process's stdin (client_to_server) or read from its stdout (server_to_client). */
  bytes(direction: Direction, count: number): void;
}

/** A ChildObserver that tells each of `observers` everything. */
export function allChildObservers(...observers: Partial<ChildObserver>[]): ChildObserver {
  return {
    spawned: () => observers.forEach((o) => o.spawned?.()),
    firstMessage: () => observers.forEach((o) => o.firstMessage?.()),
    startFailed: (detail) => observers.forEach((o) => o.startFailed?.(detail)),
    exited: (exit) => observers.forEach((o) => o.exited?.(exit)),
    restarted: () => observers.forEach((o) => o.restarted?.()),
    bytes: (direction, count) => observers.forEach((o) => o.bytes?.(direction, count)),
  };
}
