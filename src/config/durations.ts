// Duration flags as the flag table declares them (config/flags.ts): what a bare number means for each, and where
// a bare number stops being plausible (a user who meant seconds, or milliseconds), so parsing, --help and the start-up warning agree.
import { flags, type DurationFlagName, type FlagSpec } from './flags.js';
import { parseDuration } from './units.js';

export type { DurationFlagName } from './flags.js';

/** The declared duration flags and their specs (kind `duration` in the flag table), by name. */
export const durationFlags = Object.fromEntries(
  Object.entries(flags).filter(([, spec]) => spec.kind === 'duration'),
) as { readonly [K in DurationFlagName]: FlagSpec };

function specOf(flag: DurationFlagName): FlagSpec {
  return durationFlags[flag];
}

/** Reads a duration flag's value (`30m`, `90s`, `500ms`, or a bare number in the flag's unit); returns ms. */
export function parseDurationFlag(flag: DurationFlagName, value: unknown): number {
  return parseDuration(flag, value, specOf(flag).bare ?? 'ms');
}

/** The end of a duration flag's --help text saying what a bare number means, e.g. " (bare number: ms)". */
export function bareUnitNote(flag: DurationFlagName): string {
  return ` (bare number: ${specOf(flag).bare === 'ms' ? 'ms' : 'seconds'})`;
}

const bareNumber = /^\s*\d+(?:\.\d+)?\s*$/;

function warningFor(flag: DurationFlagName, value: unknown): string | undefined {
  const text = String(value).trim();
  if (!bareNumber.test(text)) return undefined; // a unit was written: the user said what they meant
  const spec = specOf(flag);
  const ms = parseDurationFlag(flag, text);
  const means = `--${flag} ${text} means ${text} ${spec.bare} (a bare number is ${spec.bare === 'ms' ? 'ms' : 'seconds'} for this flag)`;
  if (ms > 0 && spec.minMs !== undefined && ms < spec.minMs) return `${means}, implausibly short for ${spec.times}; did you mean ${text}s?`;
  if (spec.maxMs !== undefined && ms > spec.maxMs) return `${means}, implausibly long for ${spec.times}; did you mean ${text}ms?`;
  return undefined;
}

/**
 * The start-up warnings for duration flags given as a bare number outside their plausible range
 * (`--sessionTimeout 30` is 30 ms; did you mean 30s?). Values with a unit, and invalid ones (config refuses those), pass silently.
 */
export function durationWarnings(raw: Readonly<Partial<Record<DurationFlagName, unknown>>>): string[] {
  const warnings: string[] = [];
  // In the order the options were given, so the warnings read like the command line.
  for (const flag of (Object.keys(raw) as DurationFlagName[]).filter((name) => name in durationFlags)) {
    if (raw[flag] === undefined) continue;
    const warning = warningFor(flag, raw[flag]);
    if (warning) warnings.push(warning);
  }
  return warnings;
}
