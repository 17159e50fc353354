// What the stdio child side of the forward bridge is configured with: the command and its limits,
// and how children map to sessions. config/ builds these; the child modules only read them.
import type { InFlightLimits } from './inFlightLimit.js';

/** How to start the stdio MCP server behind the bridge. */
export interface ChildCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** Run `command` through /bin/sh (only with `--shell`). */
  readonly shell: boolean;
  readonly cwd: string | undefined;
  /** `--env KEY=VALUE` pairs, added on top of the allow-listed environment. */
  readonly env: Readonly<Record<string, string>>;
  /** `--passEnv NAME` names copied from the gateway's environment. */
  readonly passEnv: readonly string[];
  readonly maxLineBytes: number;
  readonly killGraceMs: number;
  /** Bytes that may wait for the server to read its stdin before messages are refused (--maxSessionBufferBytes). */
  readonly maxBacklogBytes: number;
  /** Requests in flight per child and the queue behind them (--maxInFlight, --maxQueued; default: no limit). */
  readonly inFlight?: InFlightLimits;
}

/** `--sessionMode`: a child per client session (the default), or children shared by every session. */
export const sessionModes = ['per-session', 'shared'] as const;

/** One of sessionModes. */
export type SessionMode = (typeof sessionModes)[number];

/** How the bridge runs its stdio children (forward mode). */
export interface ChildrenConfig {
  readonly sessionMode: SessionMode;
  /** Shared mode: children every request is spread over, least loaded first (default 1). */
  readonly pool: number;
  /** Per-session mode: children kept spawned ahead of time for the next sessions (default 0). */
  readonly prespawn: number;
  /** Per-session mode: one child spawned at launch for the first session, not replaced (default true). */
  readonly headStart: boolean;
  /** Per-session mode: stop a quiet session's child after this long, keeping the session (default 60 s; 0: never). */
  readonly childIdleTimeoutMs: number;
  /** Per-session mode: live children at most, parking the least recently used quiet sessions first (default 0: no bound). */
  readonly maxChildren: number;
}

/** The part of the forward config the child upstreams take: the command and the session mode. */
export interface ChildUpstreamConfig {
  readonly child: ChildCommand;
  readonly children: ChildrenConfig;
}
