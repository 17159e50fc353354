// A parse of the command line without yargs, for the common case: plain flags of the flag table and a server
// command (--stdio "cmd" or -- cmd), read exactly as yargs reads them, so that a launch can spawn its server
// and go on without loading yargs (cold start). Anything it is not sure of (a command word, a short or
// kebab-case flag, --help, a repeated flag, a value that looks like a flag or is not one of its choices)
// makes it refuse; yargs then parses the same argv as always and says what is wrong.
import { flags, type FlagName, type FlagSpec, type RawOptions } from '../config/flags.js';

type Value = string | number | boolean | string[];

const isFlagName = (name: string): name is FlagName => Object.hasOwn(flags, name);
const specOf = (name: FlagName): FlagSpec => flags[name];
const number = /^-?\d+(?:\.\d+)?$/;

/** A flag's value as yargs gives it: a number for `number`, true/false for `boolean`, text otherwise; undefined when unsure. */
function valueOf(spec: FlagSpec, text: string): Value | undefined {
  if (spec.kind === 'number') return number.test(text) ? Number(text) : undefined;
  if (spec.kind === 'boolean') return text === 'true' ? true : text === 'false' ? false : undefined;
  if (spec.choices && !spec.choices.includes(text)) return undefined;
  return spec.kind === 'list' ? [text] : text;
}

/** Reads `--name`, `--no-name` (a boolean), `--name=value` or `--name value` at `args[at]`; undefined when unsure. */
function readFlag(args: readonly string[], at: number): { name: FlagName; value: Value; next: number } | undefined {
  const match = /^--(no-)?([A-Za-z]\w*)(?:=([\s\S]*))?$/.exec(args[at]!);
  const name = match?.[2];
  if (!match || name === undefined || !isFlagName(name)) return undefined;
  const [, negated, , inline] = match;
  const spec = specOf(name);
  if (negated) return spec.kind === 'boolean' && inline === undefined ? { name, value: false, next: at + 1 } : undefined;
  if (spec.kind === 'boolean' && inline === undefined) return { name, value: true, next: at + 1 };
  const text = inline ?? args[at + 1];
  // A value that starts with "-" could be read as a flag by yargs; a missing one is its error to report.
  if (text === undefined || (inline === undefined && text.startsWith('-'))) return undefined;
  const value = valueOf(spec, text);
  return value === undefined ? undefined : { name, value, next: inline === undefined ? at + 2 : at + 1 };
}

/** Every flag with a declared default that was not given, as yargs fills them in. */
function withDefaults(given: Partial<Record<FlagName, Value>>): Partial<Record<FlagName, Value>> {
  const filled = { ...given };
  for (const [name, spec] of Object.entries(flags) as [FlagName, FlagSpec][]) {
    if (spec.default !== undefined && filled[name] === undefined) filled[name] = spec.default;
  }
  return filled;
}

/**
 * The options of `args` (process.argv without node and the script) when they are plain flags of the flag
 * table and nothing else, the server command after `--` included, with the declared defaults filled in:
 * what yargs would give for them. Undefined whenever it is not sure.
 */
export function plainFlags(args: readonly string[]): RawOptions | undefined {
  const given: Partial<Record<FlagName, Value>> = {};
  let at = 0;
  while (at < args.length && args[at] !== '--') {
    const flag = readFlag(args, at);
    if (!flag) return undefined;
    const before = given[flag.name];
    if (before !== undefined && !(Array.isArray(before) && Array.isArray(flag.value))) return undefined;
    given[flag.name] = Array.isArray(before) ? [...before, ...(flag.value as string[])] : flag.value;
    at = flag.next;
  }
  const command = args.slice(at + 1);
  return { ...withDefaults(given), command: command.length > 0 ? command : undefined } as RawOptions;
}
