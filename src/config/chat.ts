// The `chat` command's words and flags into ChatOptions: the servers Claude may use (URLs, a command
// after --, every server of --config FILE or the ones named after it, or $MCP_SERVER_URL) and the
// Messages API settings (--model or $ANTHROPIC_MODEL, --system, --maxTokens, --prompt, --yes).
import { DEFAULT_MODEL, type ChatOptions, type ChatServer } from '../client/chat/options.js';
import type { ClientTarget } from '../client/options.js';
import type { LogConfig } from '../shared/log.js';
import { parseDurationFlag } from './durations.js';
import { defaults, type RawOptions } from './flags.js';
import { gatewayConfig } from './gateway.js';
import { gatewayOAuthFlags } from './gatewayOAuth.js';
import { childCommand, servingConfig } from './index.js';
import { backoffFrom, remoteEra, remoteOptions } from './remote.js';
import { invalidConfig } from './units.js';

/** `mcp-bridge chat …`, validated; `quiet` says the bridge's own log was not asked for (`--logLevel` absent). */
export interface ChatConfig {
  readonly mode: 'chat';
  readonly chat: ChatOptions;
  readonly log: LogConfig;
  readonly quiet: boolean;
}

// A person waits at the terminal: a server that refuses connections is retried once, not for half a minute.
const CLIENT_RECONNECT_ATTEMPTS = 1;
const DEFAULT_SEPARATOR = '__';

const isUrl = (word: string): boolean => /^https?:\/\//i.test(word);

/** The servers of a config file a client connects to (all enabled ones, or those `names` names) and the file's separator. */
function configServers(raw: RawOptions, env: NodeJS.ProcessEnv, file: string, names: readonly string[]): { servers: ChatServer[]; separator: string } {
  const start = { mode: 'gateway', configFile: file, serving: servingConfig(raw, env), remoteDefaults: { era: remoteEra(raw), backoff: backoffFrom(raw), oauth: gatewayOAuthFlags(raw) }, cluster: undefined } as const;
  const config = gatewayConfig(start, env);
  const all = config.servers.map((server) => server.name);
  const unknown = names.filter((name) => !all.includes(name));
  if (unknown.length > 0) invalidConfig(`${file} has no enabled server ${unknown.map((name) => `"${name}"`).join(', ')}; its servers: ${all.join(', ')}`);
  const chosen = config.servers.filter((server) => names.length === 0 || names.includes(server.name));
  const servers = chosen.map((server): ChatServer => {
    if (server.kind === 'stdio') return { name: server.name, target: { kind: 'stdio', child: server.served.child, label: server.name } };
    // A person is at hand: the entry may sign in with a browser, unlike in the gateway (as inspect does).
    const oauth = server.remote.oauth && { ...server.remote.oauth, signInCommand: undefined };
    return { name: server.name, target: { kind: 'remote', remote: { ...server.remote, oauth }, label: server.name } };
  });
  return { servers, separator: config.file.separator };
}

/** Every server the words and flags name, in the order given: the config file's first, then URLs, then a command. */
function chatServers(raw: RawOptions, words: readonly string[], env: NodeJS.ProcessEnv): { servers: ChatServer[]; separator: string } {
  const urls = words.filter(isUrl);
  const others = words.filter((word) => !isUrl(word));
  if (others.length > 0 && raw.config === undefined) invalidConfig(`chat takes server URLs, --config FILE [NAME…] or -- command args; unexpected "${others[0]}"`);
  const fromFile = raw.config !== undefined ? configServers(raw, env, raw.config, others) : { servers: [], separator: DEFAULT_SEPARATOR };
  const targets: ClientTarget[] = urls.map((url) => ({ kind: 'remote', remote: remoteOptions({ ...raw, url, sse: undefined, streamableHttp: undefined }, env) }));
  const flagged = raw.url !== undefined || raw.sse !== undefined || raw.streamableHttp !== undefined;
  if (flagged) targets.push({ kind: 'remote', remote: remoteOptions(raw, env) });
  if (raw.stdio || raw.command?.length) {
    // --shell keeps its forward-mode meaning here: the --stdio line runs through /bin/sh.
    const { childLimits } = servingConfig(raw, env);
    targets.push({ kind: 'stdio', child: { ...childLimits, ...childCommand(raw) } });
  }
  if (fromFile.servers.length === 0 && targets.length === 0 && env.MCP_SERVER_URL) targets.push({ kind: 'remote', remote: remoteOptions(raw, env) });
  const servers = [...fromFile.servers, ...targets.map((target) => ({ target }))];
  if (servers.length === 0) invalidConfig('chat needs at least one MCP server: URLs, --config FILE [NAME…], -- command args, or $MCP_SERVER_URL');
  return { servers, separator: fromFile.separator };
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) invalidConfig(`--${name} must be a whole number of at least 1, not ${value}`);
  return value;
}

/**
 * Validates `chat` (the words after it, the flags, and $ANTHROPIC_API_KEY, $ANTHROPIC_MODEL,
 * $MCP_SERVER_URL from `env`) into ChatConfig; `given` names the flags on the command line. The key
 * itself is left to the Anthropic SDK, which reads it from the environment. Throws CONFIG_INVALID.
 */
export function chatConfig(raw: RawOptions, words: readonly string[], env: NodeJS.ProcessEnv, given: ReadonlySet<string>): ChatConfig {
  if (!env.ANTHROPIC_API_KEY && !env.ANTHROPIC_AUTH_TOKEN) invalidConfig('chat needs an Anthropic API key in ANTHROPIC_API_KEY');
  const client = given.has('reconnectAttempts') ? raw : { ...raw, reconnectAttempts: CLIENT_RECONNECT_ATTEMPTS };
  const { servers, separator } = chatServers(client, words, env);
  if (raw.prompt !== undefined && raw.prompt.trim() === '') invalidConfig('--prompt needs a message');
  return {
    mode: 'chat',
    chat: {
      servers,
      separator,
      model: raw.model ?? (env.ANTHROPIC_MODEL || DEFAULT_MODEL),
      ...(raw.system !== undefined && { system: raw.system }),
      maxTokens: positive('maxTokens', raw.maxTokens ?? defaults.maxTokens),
      ...(raw.prompt !== undefined && { prompt: raw.prompt }),
      yes: Boolean(raw.yes),
      requestTimeoutMs: parseDurationFlag('requestTimeout', raw.requestTimeout ?? defaults.requestTimeout),
    },
    log: { level: (raw.logLevel ?? defaults.logLevel) as LogConfig['level'], format: (raw.logFormat ?? defaults.logFormat) as LogConfig['format'] },
    quiet: !given.has('logLevel'),
  };
}
