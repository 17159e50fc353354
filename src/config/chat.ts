// The `chat` command's words and flags into ChatOptions: the servers Claude may use (URLs, a command
// after --, every server of --config FILE or the ones named after it, or $MCP_SERVER_URL) and the
// Messages API settings (--model or $ANTHROPIC_MODEL, --system, --maxTokens, --prompt, --yes).
import { DEFAULT_MODEL, type ChatOptions, type ChatServer } from '../client/chat/options.js';
import type { ClientTarget } from '../client/options.js';
import type { LogConfig } from '../shared/log.js';
import { parseDurationFlag } from './durations.js';
import { defaults, type RawOptions } from './flags.js';
import { clientTargetsOfFile, withClientRetries } from './clientFile.js';
import { childCommand, servingConfig } from './index.js';
import { remoteOptions } from './remote.js';
import { invalidConfig } from './units.js';

/** `mcp-bridge chat …`, validated; `quiet` says the bridge's own log was not asked for (`--logLevel` absent). */
export interface ChatConfig {
  readonly mode: 'chat';
  readonly chat: ChatOptions;
  readonly log: LogConfig;
  readonly quiet: boolean;
}

const DEFAULT_SEPARATOR = '__';

const isUrl = (word: string): boolean => /^https?:\/\//i.test(word);

/** The servers of a config file a client connects to (all enabled ones, or those `names` names) and the file's separator. */
function configServers(raw: RawOptions, env: NodeJS.ProcessEnv, file: string, names: readonly string[]): { servers: ChatServer[]; separator: string } {
  const { targets, separator } = clientTargetsOfFile(raw, env, file);
  const all = targets.map((entry) => entry.name);
  const unknown = names.filter((name) => !all.includes(name));
  if (unknown.length > 0) invalidConfig(`${file} has no enabled server ${unknown.map((name) => `"${name}"`).join(', ')}; its servers: ${all.join(', ')}`);
  return { servers: targets.filter((entry) => names.length === 0 || names.includes(entry.name)), separator };
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
  const client = withClientRetries(raw, given);
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
