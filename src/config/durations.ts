// Every duration flag in one table: what a bare number means for it, and where a bare number stops
// being plausible (a user who meant seconds, or milliseconds), so that parsing, --help and the start-up warning agree.
import { parseDuration } from './units.js';

/** One duration flag: the unit of a bare number, what it times (for the warning), and its plausible range in ms. */
export interface DurationFlag {
  /** What a bare number means; kept as supergateway has it where a flag shares its name. */
  readonly bare: 'ms' | 's';
  /** What the flag times, as the warning names it. */
  readonly times: string;
  /** A bare number giving less than this many ms is implausibly small (0 never warns: it means "none" or is deliberate). */
  readonly minMs?: number;
  /** A bare number giving more than this many ms is implausibly large. */
  readonly maxMs?: number;
}

const SECOND = 1000;
const HOUR = 3_600_000;

/**
 * The duration flags. To add one: an entry here, then `parseDurationFlag('name', value)` where it is
 * parsed and `bareUnitNote('name')` at the end of its --help text; the warning follows by itself.
 */
export const durationFlags = {
  sessionTimeout: { bare: 'ms', times: 'a session\'s idle time', minMs: SECOND },
  requestTimeout: { bare: 'ms', times: 'how long a request may go without an answer', minMs: SECOND },
  killGrace: { bare: 'ms', times: 'the time between SIGTERM and SIGKILL', minMs: 100 },
  reconnectDelay: { bare: 'ms', times: 'the first retry delay', minMs: 50 },
  reconnectMaxDelay: { bare: 'ms', times: 'the longest retry delay', minMs: 100 },
  keepalive: { bare: 's', times: 'the SSE keepalive interval', maxMs: HOUR },
  continuationTtl: { bare: 's', times: 'how long a paused call waits for its retry', maxMs: 24 * HOUR },
} as const satisfies Record<string, DurationFlag>;

/** The name of a duration flag (a key of durationFlags). */
export type DurationFlagName = keyof typeof durationFlags;

/** Reads a duration flag's value (`30m`, `90s`, `500ms`, or a bare number in the flag's unit); returns ms. */
export function parseDurationFlag(flag: DurationFlagName, value: unknown): number {
  return parseDuration(flag, value, durationFlags[flag].bare);
}

/** The end of a duration flag's --help text saying what a bare number means, e.g. " (bare number: ms)". */
export function bareUnitNote(flag: DurationFlagName): string {
  return ` (bare number: ${durationFlags[flag].bare === 'ms' ? 'ms' : 'seconds'})`;
}

const bareNumber = /^\s*\d+(?:\.\d+)?\s*$/;

function warningFor(flag: DurationFlagName, value: unknown): string | undefined {
  const text = String(value).trim();
  if (!bareNumber.test(text)) return undefined; // a unit was written: the user said what they meant
  const spec: DurationFlag = durationFlags[flag];
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
  for (const flag of Object.keys(durationFlags) as DurationFlagName[]) {
    if (raw[flag] === undefined) continue;
    const warning = warningFor(flag, raw[flag]);
    if (warning) warnings.push(warning);
  }
  return warnings;
}
