/** What a measurement gets (one column: direct or one transport × session mode) and what it returns. */
import { BenchSession, type Endpoint } from '../clients.js';
import type { RunningGateway, SessionMode } from '../gateway.js';
import type { Integrity } from '../integrity.js';
import type { Counts } from '../options.js';

/**
 * A column of the results table: the server reached directly, the floor relays (Streamable HTTP with one
 * shared child, bench/floor.ts, or with a child per session, bench/floorPerSession.ts), or mcp-bridge over one transport in one session mode; in gateway mode
 * (`--config`, per-session), a server's own route (`/servers/bench/mcp`) and the combined endpoint at the root;
 * scale-out (per-session), `--workers 2` and three replicas with Redis behind nginx; and the peers (issue 18),
 * other gateways serving the same server, named by the transport they serve first (bench/peers.ts).
 */
export type Column =
  | 'direct'
  | 'floor'
  | 'floor per-session'
  | 'sse per-session'
  | 'sse shared'
  | 'http per-session'
  | 'http shared'
  | 'http route'
  | 'http combined'
  | 'http workers'
  | 'http replicas'
  | 'sse supergateway'
  | 'http supergateway stateful'
  | 'http supergateway stateless'
  | 'sse mcp-proxy'
  | 'http mcp-proxy';

/** The scale-out columns: forward mode per-session, `--workers 2`, and three replicas (Redis, nginx round-robin). */
export const clusterColumns: readonly Column[] = ['http workers', 'http replicas'];

/** The peers' columns (bench/peers.ts): supergateway in its three stdio modes, mcp-proxy over SSE and Streamable HTTP. */
export const peerColumns: readonly Column[] = ['sse supergateway', 'http supergateway stateful', 'http supergateway stateless', 'sse mcp-proxy', 'http mcp-proxy'];

/** mcp-bridge's forward-mode columns, each compared with every peer of its transport (the "ahead of every peer" target). */
export const forwardColumns: readonly Column[] = ['sse per-session', 'sse shared', 'http per-session', 'http shared'];

/** The floor relays' columns: one shared child (bench/floor.ts) and one child per session (bench/floorPerSession.ts). */
export const floorColumns: readonly Column[] = ['floor', 'floor per-session'];

/** True for a column measuring mcp-bridge (not direct, a floor or a peer): the columns the targets apply to. */
export function isBridgeColumn(column: Column): boolean {
  return column !== 'direct' && !floorColumns.includes(column) && !peerColumns.includes(column);
}

/** The gateway-mode columns: a file with the bench server as its one server (empty prefix), per-session. */
export const gatewayColumns: readonly Column[] = ['http route', 'http combined'];

export interface MeasureContext {
  column: Column;
  endpoint: Endpoint;
  /** The gateway's session mode (undefined for direct). */
  mode: SessionMode | undefined;
  counts: Counts;
  integrity: Integrity;
  /** The gateway's (or the floor's) pid, whose process tree is measured (undefined for direct). */
  gatewayPid: number | undefined;
  /**
   * Starts a fresh gateway (or floor) for this column (for cold starts); the caller stops it. `extra` flags
   * (default none) reach mcp-bridge's forward columns only.
   */
  launch(extra?: readonly string[]): Promise<RunningGateway>;
  /** A tag unique in the whole run, for tokens that reveal cross-talk. */
  newTag(): string;
}

/** One measured figure; `key` is stable (JSON, targets), `label` is for the table. */
export interface Figure {
  key: string;
  label: string;
  value: number;
  unit: 'ms' | 'calls/s' | 'MiB' | 'KiB' | 'µs' | 'count';
}

export interface MeasurementOutput {
  figures: Figure[];
  notes: string[];
}

export interface Measurement {
  name: string;
  /** True when the measurement starts its own gateways (cold start); otherwise the runner starts one per column. */
  ownGateway?: boolean;
  /** False when the floor relays cannot take part (they do not pass notifications to clients); default true. */
  floor?: boolean;
  run(ctx: MeasureContext): Promise<MeasurementOutput>;
}

/** Opens `count` sessions, at most `parallel` handshakes at a time; closes them all when `use` settles. */
export async function withSessions<T>(ctx: MeasureContext, count: number, use: (sessions: BenchSession[]) => Promise<T>, parallel = 16): Promise<T> {
  const sessions: BenchSession[] = [];
  try {
    for (let i = 0; i < count; i += parallel) {
      const batch = Array.from({ length: Math.min(parallel, count - i) }, () => BenchSession.open(ctx.endpoint, ctx.newTag(), ctx.integrity));
      const settled = await Promise.allSettled(batch);
      for (const result of settled) if (result.status === 'fulfilled') sessions.push(result.value);
      const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
    }
    return await use(sessions);
  } finally {
    await Promise.allSettled(sessions.map((session) => session.close()));
  }
}

/** Runs `body` with one session. */
export function withSession<T>(ctx: MeasureContext, body: (session: BenchSession) => Promise<T>): Promise<T> {
  return withSessions(ctx, 1, ([session]) => body(session!));
}

/** The pid whose memory and CPU a measurement reads: the gateway, or for direct the server the session spawned. */
export function measuredPid(ctx: MeasureContext, session: BenchSession): number {
  const pid = ctx.gatewayPid ?? session.serverPid;
  if (pid === undefined) throw new Error('no process to measure');
  return pid;
}
