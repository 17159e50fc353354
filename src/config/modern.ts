import type { ContinuationLimits } from '../downstream/modern/continuations.js';
import { parseDurationFlag } from './durations.js';
import { invalidConfig } from './units.js';

/** Defaults of the 2026-07-28 flags (shown by --help): a paused call waits 10 minutes, at most 1000 at once. */
export const statelessDefaults = { continuationTtl: '10m', maxContinuations: 1000 } as const;

/** The raw flags of 2026-07-28 serving. */
export interface StatelessRawOptions {
  continuationTtl?: string | number;
  maxContinuations?: number;
}

/** Validates `--continuationTtl` (a bare number is seconds) and `--maxContinuations` (at least 1). */
export function continuationLimits(raw: StatelessRawOptions): ContinuationLimits {
  const ttlMs = parseDurationFlag('continuationTtl', raw.continuationTtl ?? statelessDefaults.continuationTtl);
  if (ttlMs < 1000) invalidConfig('--continuationTtl must be at least 1s');
  const max = raw.maxContinuations ?? statelessDefaults.maxContinuations;
  if (!Number.isInteger(max) || max < 1) invalidConfig('--maxContinuations must be a whole number of at least 1');
  return { ttlMs, max };
}
