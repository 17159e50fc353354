// The session-mode flags (--sessionMode, --pool, --prespawn, --headStart) into ChildrenConfig, and the
// request queue of each child (--maxInFlight, --maxQueued) into its InFlightLimits.
import { sessionModes, type ChildrenConfig, type SessionMode } from '../upstream/child/options.js';
import type { InFlightLimits } from '../upstream/child/inFlightLimit.js';
import { defaults, type RawOptions } from './flags.js';
import { parseDurationFlag } from './durations.js';
import { invalidConfig } from './units.js';

// Bounds that keep a typo from spawning a thousand processes.
const MAX_POOL = 64;
const MAX_PRESPAWN = 256;

function count(flag: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) invalidConfig(`--${flag} must be a whole number from ${min} to ${max}`);
  return value;
}

/** Validates `--sessionMode`, `--pool` and `--prespawn`; each of the last two belongs to one mode only. */
export function childrenOptions(raw: RawOptions): ChildrenConfig {
  const sessionMode = (raw.sessionMode ?? defaults.sessionMode) as SessionMode;
  if (!sessionModes.includes(sessionMode)) invalidConfig(`--sessionMode must be one of ${sessionModes.join(', ')}`);
  const pool = count('pool', raw.pool ?? 1, 1, MAX_POOL);
  const prespawn = count('prespawn', raw.prespawn ?? defaults.prespawn, 0, MAX_PRESPAWN);
  if (sessionMode === 'per-session' && raw.pool !== undefined) invalidConfig('--pool needs --sessionMode shared');
  if (sessionMode === 'shared' && prespawn > 0) invalidConfig('--prespawn is for --sessionMode per-session (shared children are always running)');
  const headStart = sessionMode === 'per-session' && (raw.headStart ?? defaults.headStart);
  const childIdleTimeoutMs = parseDurationFlag('childIdleTimeout', raw.childIdleTimeout ?? defaults.childIdleTimeout);
  const maxChildren = count('maxChildren', raw.maxChildren ?? defaults.maxChildren, 0, 100_000);
  return { sessionMode, pool, prespawn, headStart, childIdleTimeoutMs, maxChildren };
}

/** `--maxInFlight` and `--maxQueued` (or a server's overrides) as the child's limits; throws CONFIG_INVALID for a negative or fractional count. */
export function inFlightLimits(maxInFlight: number, maxQueued: number): InFlightLimits {
  if (!Number.isInteger(maxInFlight) || maxInFlight < 0) invalidConfig('--maxInFlight must be a whole number (0: no limit)');
  if (!Number.isInteger(maxQueued) || maxQueued < 0) invalidConfig('--maxQueued must be a whole number');
  return { maxInFlight, maxQueued };
}
