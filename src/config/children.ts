import { invalidConfig } from './units.js';

/** `--sessionMode`: a child per client session (the default), or children shared by every session. */
export const sessionModes = ['per-session', 'shared'] as const;
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
}

/** The flags as the CLI read them. */
export interface ChildrenRawOptions {
  sessionMode?: string;
  pool?: number;
  prespawn?: number;
  headStart?: boolean;
}

/** Defaults of the session-mode flags. */
export const childrenDefaults = { sessionMode: 'per-session' as SessionMode, pool: 1, prespawn: 0, headStart: true } as const;

// Bounds that keep a typo from spawning a thousand processes.
const MAX_POOL = 64;
const MAX_PRESPAWN = 256;

function count(flag: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) invalidConfig(`--${flag} must be a whole number from ${min} to ${max}`);
  return value;
}

/** Validates `--sessionMode`, `--pool` and `--prespawn`; each of the last two belongs to one mode only. */
export function childrenOptions(raw: ChildrenRawOptions): ChildrenConfig {
  const sessionMode = (raw.sessionMode ?? childrenDefaults.sessionMode) as SessionMode;
  if (!sessionModes.includes(sessionMode)) invalidConfig(`--sessionMode must be one of ${sessionModes.join(', ')}`);
  const pool = count('pool', raw.pool ?? childrenDefaults.pool, 1, MAX_POOL);
  const prespawn = count('prespawn', raw.prespawn ?? childrenDefaults.prespawn, 0, MAX_PRESPAWN);
  if (sessionMode === 'per-session' && raw.pool !== undefined) invalidConfig('--pool needs --sessionMode shared');
  if (sessionMode === 'shared' && prespawn > 0) invalidConfig('--prespawn is for --sessionMode per-session (shared children are always running)');
  const headStart = sessionMode === 'per-session' && (raw.headStart ?? childrenDefaults.headStart);
  return { sessionMode, pool, prespawn, headStart };
}
