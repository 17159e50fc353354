// The yargs parser, built from the flag table (config/flags.ts): each flag's option, default and --help
// group follow from its declaration, so a flag is added in one place.
import yargs, { type Argv, type Options } from 'yargs';
import { bareUnitNote } from '../config/durations.js';
import { flagGroups, flags, type DurationFlagName, type FlagGroup, type FlagName, type FlagSpec, type RawOptions } from '../config/flags.js';
import { bridgeVersion } from './version.js';

const repeatable = (value: unknown): string[] | undefined =>
  value === undefined ? undefined : ([] as unknown[]).concat(value).map(String);

/** One flag as yargs takes it: durations and sizes are read as text (units), lists are repeatable. */
function yargsOption(name: FlagName, spec: FlagSpec): Options {
  const option: Options = {
    type: spec.kind === 'boolean' ? 'boolean' : spec.kind === 'number' ? 'number' : 'string',
    describe: spec.describe + (spec.kind === 'duration' ? bareUnitNote(name as DurationFlagName) : ''),
  };
  if (spec.kind === 'list') option.coerce = repeatable;
  if (spec.default !== undefined) option.default = spec.default;
  if (spec.defaultText !== undefined) option.defaultDescription = spec.defaultText;
  if (spec.choices) option.choices = [...spec.choices];
  return option;
}

function yargsOptions(): Record<string, Options> {
  return Object.fromEntries((Object.entries(flags) as [FlagName, FlagSpec][]).map(([name, spec]) => [name, yargsOption(name, spec)]));
}

/** Puts each flag under its --help group, in the table's order. */
function withGroups(parser: Argv): Argv {
  for (const [group, title] of Object.entries(flagGroups) as [FlagGroup, string][]) {
    parser.group((Object.keys(flags) as FlagName[]).filter((name) => flags[name].group === group), title);
  }
  return parser;
}

/** Declares every flag of the flag table with its default and help text; `--help` prints exactly this. */
export function declareOptions(argv: string[]): Argv {
  return withGroups(yargs(argv))
    .scriptName('mcp-bridge')
    .usage('Serve stdio MCP servers over HTTP (legacy SSE and Streamable HTTP) on one port,\n' +
      'or offer a remote MCP server as a local stdio server.\n\n' +
      'Usage:\n  $0 --stdio "command args" [options]\n  $0 --config claude_desktop_config.json [options]\n  $0 [options] -- command args\n  $0 --url https://host/mcp [options]\n  $0 auth --url https://host/mcp [--logout]\n  $0 auth --config FILE --server NAME [--logout]\n' +
      '  $0 inspect URL | --config FILE NAME | -- command args   [call TOOL key=value… | read URI | prompt NAME key=value…] [--json] [--shell]\n' +
      '  $0 chat URL… | --config FILE [NAME…] | -- command args   [--prompt "…"] [--model M] [--yes]')
    // A resource URI or an argument that looks like a number stays text; the tool's schema decides (inspect).
    .parserConfiguration({ 'populate--': true, 'duplicate-arguments-array': true, 'parse-positional-numbers': false })
    .command('inspect [words..]', 'Show what an MCP server offers (a URL, a server of --config FILE, or a command after --), or call a tool, read a resource, get a prompt; --shell for an interactive session')
    .command('chat [words..]', 'Talk with Claude (ANTHROPIC_API_KEY), who may call every tool of the MCP servers given (URLs, every server of --config FILE, or a command after --); --prompt for one turn')
    .command('auth', 'Sign in to the remote given with --url (or --config FILE --server NAME) now and exit (with --logout: revoke its tokens at the authorization server and forget them)')
    .options(yargsOptions())
    .strict()
    .help()
    .alias('h', 'help')
    // yargs would look for a package.json above the working directory (or node_modules): someone else's.
    .version(bridgeVersion())
    .wrap(Math.min(110, process.stdout.columns || 110));
}

/** Converts yargs' parsed argv into the raw options config.ts validates. */
export function toRawOptions(argv: Record<string, unknown>): RawOptions {
  const command = (argv['--'] as unknown[] | undefined)?.map(String);
  return { ...(argv as RawOptions), command: command?.length ? command : undefined };
}

/** The flags written on the command line (before `--`), by their declared names: what a default cannot tell apart. */
export function givenFlags(args: readonly string[]): Set<string> {
  const end = args.indexOf('--');
  const camel = (name: string): string => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
  return new Set((end < 0 ? args : args.slice(0, end)).flatMap((arg) => {
    const match = /^--(?:no-)?([A-Za-z][\w-]*)/.exec(arg);
    return match ? [camel(match[1]!)] : [];
  }));
}
