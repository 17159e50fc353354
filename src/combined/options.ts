// What the combined endpoint is configured with: the separator of offered names, and each server's
// prefix and allow/deny filters (the config file's "mcp-bridge" section; config/ builds it).

/** Glob patterns (picomatch) a server's entries are matched against: allowed when `allow` is absent or matches, unless `deny` matches. */
export interface NameFilter {
  readonly allow?: readonly string[];
  readonly deny?: readonly string[];
}

/** One server's part of the combined endpoint: its prefix (default: its name; may be empty) and its filters (default: everything). */
export interface MemberOptions {
  readonly prefix: string;
  readonly tools?: NameFilter;
  readonly prompts?: NameFilter;
  readonly resources?: NameFilter;
}

/** The combined endpoint's settings: the separator between prefix and name (default `__`) and each server's options by name. */
export interface CombinedOptions {
  readonly separator: string;
  readonly servers: Readonly<Record<string, MemberOptions>>;
}

/** A server's options, or the defaults (its name as the prefix, no filter) for one the options do not name. */
export function memberOptions(options: CombinedOptions, name: string): MemberOptions {
  return options.servers[name] ?? { prefix: name };
}
