// The modern (2026-07-28) serving flags (--continuationTtl, --maxContinuations) into ContinuationLimits.
import type { ContinuationLimits } from '../downstream/modern/continuations.js';
import { parseDurationFlag } from './durations.js';
import { defaults, type RawOptions } from './flags.js';
import { invalidConfig } from './units.js';

/** Validates `--continuationTtl` (a bare number is seconds) and `--maxContinuations` (at least 1). */
export function continuationLimits(raw: RawOptions): ContinuationLimits {
  const ttlMs = parseDurationFlag('continuationTtl', raw.continuationTtl ?? defaults.continuationTtl);
  if (ttlMs < 1000) invalidConfig('--continuationTtl must be at least 1s');
  const max = raw.maxContinuations ?? defaults.maxContinuations;
  if (!Number.isInteger(max) || max < 1) invalidConfig('--maxContinuations must be a whole number of at least 1');
  return { ttlMs, max };
}
