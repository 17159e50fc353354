// Value parsers shared by every option: durations with units, byte sizes, and the one
// CONFIG_INVALID error they all throw.
import { BridgeError } from '../shared/errors.js';

/** Throws the CONFIG_INVALID error every option parser reports a bad value with. */
export function invalidConfig(detail: string): never {
  throw new BridgeError('CONFIG_INVALID', detail);
}

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const byteUnits: Record<string, number> = { b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

function parseWithUnit(flag: string, value: unknown, units: Record<string, number>, bareUnit: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(value));
  const factor = units[(match?.[2] || bareUnit).toLowerCase()];
  if (!match || factor === undefined) invalidConfig(`--${flag}: cannot read "${String(value)}"`);
  return Math.round(Number(match[1]) * factor);
}

/** Reads a duration such as `30m`, `15s`, `500ms` or a bare number in `bareUnit`; returns milliseconds. */
export function parseDuration(flag: string, value: unknown, bareUnit: 'ms' | 's'): number {
  return parseWithUnit(flag, value, durationUnits, bareUnit);
}

/** Reads a size such as `4MiB`, `512k` or a bare number of bytes; returns bytes. */
export function parseBytes(flag: string, value: unknown): number {
  const bytes = parseWithUnit(flag, value, byteUnits, 'b');
  if (bytes < 1) invalidConfig(`--${flag} must be at least one byte`);
  return bytes;
}
