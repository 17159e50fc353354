// The `inspect` command's words and flags into InspectOptions: which server (a URL, a command after
// --, a server of --config FILE, or $MCP_SERVER_URL) and what to do with it (summary, call, read, prompt).
import { resolve } from 'node:path';
import type { ClientTarget, InspectAction, InspectOptions } from '../client/options.js';
import type { LogConfig } from '../shared/log.js';
import { defaults, type RawOptions } from './flags.js';
import { gatewayConfig } from './gateway.js';
import { childCommand, servingConfig } from './index.js';
import { parseDurationFlag } from './durations.js';
import { backoffFrom, remoteEra, remoteOptions } from './remote.js';
import { gatewayOAuthFlags } from './gatewayOAuth.js';
import { invalidConfig } from './units.js';

/** `mcp-bridge inspect …`, validated; `quiet` says the bridge's own log was not asked for (`--logLevel` absent). */
export interface InspectConfig {
  readonly mode: 'inspect';
  readonly inspect: InspectOptions;
  readonly log: LogConfig;
  readonly quiet: boolean;
}

// A person waits at the terminal: a server that refuses connections is retried once, not for half a minute.
const CLIENT_RECONNECT_ATTEMPTS = 1;

const isUrl = (word: string | undefined): boolean => word !== undefined && /^https?:\/\//i.test(word);

/** The server `name` of the config file, as a client connects to it: a stdio entry's command, or a remote entry with interactive OAuth. */
function configEntry(raw: RawOptions, env: NodeJS.ProcessEnv, file: string, name: string | undefined): ClientTarget {
  const start = { mode: 'gateway', configFile: file, serving: servingConfig(raw, env), remoteDefaults: { era: remoteEra(raw), backoff: backoffFrom(raw), oauth: gatewayOAuthFlags(raw) }, cluster: undefined } as const;
  const config = gatewayConfig(start, env);
  const names = config.servers.map((server) => server.name).join(', ');
  if (name === undefined) invalidConfig(`inspect --config ${file} needs the server's name, one of: ${names}`);
  const server = config.servers.find((candidate) => candidate.name === name);
  if (!server) invalidConfig(`${file} has no enabled server "${name}"; its servers: ${names}`);
  if (server.kind === 'stdio') return { kind: 'stdio', child: server.served.child, label: name };
  // A person is at hand: the entry may sign in with a browser, unlike in the gateway.
  const oauth = server.remote.oauth && { ...server.remote.oauth, signInCommand: undefined };
  return { kind: 'remote', remote: { ...server.remote, oauth }, label: name };
}

function targetFrom(raw: RawOptions, words: string[], env: NodeJS.ProcessEnv): ClientTarget {
  const flagged = raw.url !== undefined || raw.sse !== undefined || raw.streamableHttp !== undefined;
  const stdio = Boolean(raw.stdio || raw.command?.length);
  if (raw.config !== undefined) {
    if (flagged || stdio || isUrl(words[0])) invalidConfig('give inspect one server: a URL, --config FILE NAME, or -- command args');
    return configEntry(raw, env, raw.config, words.shift());
  }
  if (isUrl(words[0])) {
    if (flagged || stdio) invalidConfig('give inspect one server: a URL, --config FILE NAME, or -- command args');
    return { kind: 'remote', remote: remoteOptions({ ...raw, url: words.shift() }, env) };
  }
  if (stdio) {
    if (flagged) invalidConfig('give inspect either a command or a URL, not both');
    // --shell means the interactive session here: a command line needing /bin/sh is given as -- sh -c "…".
    const { childLimits } = servingConfig(raw, env);
    return { kind: 'stdio', child: { ...childLimits, ...childCommand({ ...raw, shell: false }) } };
  }
  if (flagged || env.MCP_SERVER_URL) return { kind: 'remote', remote: remoteOptions(raw, env) };
  return invalidConfig('inspect needs a server: a URL, --config FILE NAME, -- command args, or $MCP_SERVER_URL');
}

function argsObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    invalidConfig(`--args is not JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) invalidConfig('--args must be a JSON object, like \'{"a": 1}\'');
  return value as Record<string, unknown>;
}

/** The action of the words after the target; throws CONFIG_INVALID for an unknown action or a missing name. */
export function inspectAction(words: readonly string[], argsJson?: string): InspectAction {
  const [verb, name, ...rest] = words;
  if (verb === undefined) return { kind: 'summary' };
  if (verb !== 'call' && verb !== 'read' && verb !== 'prompt') invalidConfig(`unknown inspect action "${verb}"; use call TOOL, read URI or prompt NAME`);
  if (name === undefined) invalidConfig(`${verb} needs a ${verb === 'call' ? 'tool name' : verb === 'read' ? 'resource URI' : 'prompt name'}`);
  if (verb === 'read') {
    if (rest.length > 0) invalidConfig(`read takes one URI; unexpected "${rest[0]}"`);
    return { kind: 'read', uri: name };
  }
  if (verb === 'prompt') return { kind: 'prompt', name, pairs: rest };
  return { kind: 'call', tool: name, pairs: rest, args: argsObject(argsJson) };
}

/**
 * Validates `inspect` (the words after it, the flags and MCP_SERVER_URL / MCP_API_KEY from `env`) into
 * InspectConfig; `given` names the flags on the command line, since a client retries less and logs
 * less than a bridge unless told otherwise. Throws CONFIG_INVALID.
 */
export function inspectConfig(raw: RawOptions, words: readonly string[], env: NodeJS.ProcessEnv, given: ReadonlySet<string>): InspectConfig {
  const rest = [...words];
  const client = given.has('reconnectAttempts') ? raw : { ...raw, reconnectAttempts: CLIENT_RECONNECT_ATTEMPTS };
  const target = targetFrom(client, rest, env);
  if (raw.args !== undefined && rest[0] !== 'call') invalidConfig('--args goes with call TOOL');
  const action = inspectAction(rest, raw.args);
  if (raw.shell && action.kind !== 'summary') invalidConfig('--shell starts an interactive session; give call, read or prompt inside it');
  return {
    mode: 'inspect',
    inspect: {
      target,
      action,
      shell: Boolean(raw.shell),
      json: Boolean(raw.json),
      outDir: resolve(raw.out ?? '.'),
      allowSampling: Boolean(raw.allowSampling),
      requestTimeoutMs: parseDurationFlag('requestTimeout', raw.requestTimeout ?? defaults.requestTimeout),
    },
    log: { level: (raw.logLevel ?? defaults.logLevel) as LogConfig['level'], format: (raw.logFormat ?? defaults.logFormat) as LogConfig['format'] },
    quiet: !given.has('logLevel'),
  };
}
