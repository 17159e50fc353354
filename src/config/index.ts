// buildConfig: the flags as the CLI read them (and the environment) into one validated, frozen
// configuration, each part in the type of the component that takes it.
import { parse as parseShellWords } from 'shell-quote';
import type { ClusterConfig } from '../cluster/options.js';
import type { HttpConfig } from '../http/options.js';
import type { ChildCommand } from '../upstream/child/options.js';
import type { RemoteOptions } from '../upstream/remote/options.js';
import { gatewayOAuthFlags, type GatewayOAuthFlags } from './gatewayOAuth.js';
import { childrenOptions, inFlightLimits } from './children.js';
import { clusterConfig, wantsCluster } from './cluster.js';
import { defaults, type RawOptions } from './flags.js';
import { backoffFrom, remoteEra, remoteOptions } from './remote.js';
import type { ServingConfig } from './serving.js';
import { isLoopbackHost, originsWithCors, securityOptions } from './security.js';
import { logFormats, logLevels, type LogConfig } from '../shared/logConfig.js';
import { continuationLimits } from './modern.js';
import { parseDurationFlag } from './durations.js';
import { invalidConfig, parseBytes } from './units.js';

/** Forward mode: a stdio MCP server served over HTTP, with the settings every served server shares. */
export interface ForwardConfig extends Omit<ServingConfig, 'childLimits'> {
  readonly mode: 'forward';
  readonly child: ChildCommand;
  /** Scale-out: replicas sharing sessions by forwarding (undefined: a single process, the default). */
  readonly cluster: ClusterConfig | undefined;
}

/** Reverse mode: a remote MCP server offered on our stdin/stdout. */
export interface ReverseConfig {
  readonly mode: 'reverse';
  readonly remote: RemoteOptions;
  readonly maxLineBytes: number;
  /** Give up on a request after this long without an answer or progress (0: never). */
  readonly requestTimeoutMs: number;
  readonly log: LogConfig;
}

/** The one validated, frozen configuration every component takes its options from. */
export type BridgeConfig = ForwardConfig | ReverseConfig | GatewayStart;

/**
 * Gateway mode as the flags give it: the config file's path and what its servers share. The file
 * itself is read by config/gateway.ts (gatewayConfig), loaded only in this mode (JSON with comments, zod).
 */
export interface GatewayStart {
  readonly mode: 'gateway';
  readonly configFile: string;
  readonly serving: ServingConfig;
  /** Retries and era of remote entries (the reverse mode's flags). */
  readonly remoteDefaults: Pick<RemoteOptions, 'era' | 'backoff'> & { readonly oauth: GatewayOAuthFlags };
  /** Scale-out: the same settings as forward mode's (every replica reads the same file); undefined for a single process. */
  readonly cluster: ClusterConfig | undefined;
}

export type { RawOptions } from './flags.js';
export type { ServingConfig } from './serving.js';

const loopbackHosts = ['127.0.0.1', 'localhost', '::1', '[::1]'];

/** The Host names a loopback bind answers to: the usual loopback names plus the bound address itself (e.g. 127.0.0.2). */
function loopbackHostNames(host: string): string[] {
  const bound = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return [...new Set([...loopbackHosts, host.toLowerCase(), bound.toLowerCase()])];
}

/** Splits a `--stdio` string into argv without a shell; shell syntax (pipes, globs, `&&`) needs `--shell`. */
export function splitCommandLine(line: string): string[] {
  const words = parseShellWords(line, (name) => `$${name}`);
  return words.map((word) => {
    if (typeof word !== 'string') invalidConfig(`--stdio "${line}" uses shell syntax; add --shell to run it through /bin/sh`);
    return word;
  });
}

/** The stdio command of `--stdio "cmd args"` or the words after `--` (`--shell`: through /bin/sh). */
export function childCommand(raw: RawOptions): Pick<ChildCommand, 'command' | 'args' | 'shell'> {
  if (raw.stdio && raw.command?.length) invalidConfig('give the server either as --stdio "cmd args" or after --, not both');
  if (raw.command?.length) return { command: raw.command[0]!, args: raw.command.slice(1), shell: Boolean(raw.shell) };
  if (!raw.stdio?.trim()) invalidConfig('no MCP server: use --stdio "cmd args", -- cmd args, or a remote with --url URL');
  if (raw.shell) return { command: raw.stdio, args: [], shell: true };
  const [command, ...args] = splitCommandLine(raw.stdio);
  if (!command) invalidConfig('--stdio is empty');
  return { command, args, shell: false };
}

function envPairs(pairs: readonly string[] = []): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1) invalidConfig(`--env "${pair}" is not KEY=VALUE`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

function urlPath(flag: string, value: string): string {
  if (!value.startsWith('/')) invalidConfig(`--${flag} must start with /`);
  return value.replace(/\/+$/, '') || '/';
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) invalidConfig(`--${flag} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function httpConfig(raw: RawOptions): HttpConfig {
  const host = raw.host ?? defaults.host;
  const port = raw.port ?? defaults.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) invalidConfig('--port must be 0..65535');
  // The same test as the exposure warning, so every loopback bind gets the Host check.
  const loopback = isLoopbackHost(host);
  const paths = {
    ssePath: urlPath('ssePath', raw.ssePath ?? defaults.ssePath),
    messagePath: urlPath('messagePath', raw.messagePath ?? defaults.messagePath),
    streamableHttpPath: urlPath('streamableHttpPath', raw.streamableHttpPath ?? defaults.streamableHttpPath),
  };
  if (new Set(Object.values(paths)).size !== 3) invalidConfig('--ssePath, --messagePath and --streamableHttpPath must differ');
  if (raw.baseUrl !== undefined && !URL.canParse(raw.baseUrl)) invalidConfig('--baseUrl must be an absolute URL');
  return {
    port,
    host,
    baseUrl: raw.baseUrl?.replace(/\/+$/, ''),
    ...paths,
    maxBodyBytes: parseBytes('maxBodyBytes', raw.maxBodyBytes ?? defaults.maxBodyBytes),
    keepaliveMs: parseDurationFlag('keepalive', raw.keepalive ?? defaults.keepalive),
    jsonResponse: Boolean(raw.jsonResponse),
    // DNS-rebinding protection is on by default for loopback binds; explicit lists widen or enable it.
    allowedHosts: raw.allowedHosts?.length ? raw.allowedHosts : loopback ? loopbackHostNames(host) : undefined,
    allowedOrigins: raw.allowedOrigins?.length ? raw.allowedOrigins : loopback ? [] : undefined,
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function requestTimeout(raw: RawOptions): number {
  return parseDurationFlag('requestTimeout', raw.requestTimeout ?? defaults.requestTimeout);
}

function logConfig(raw: RawOptions): LogConfig {
  return {
    level: oneOf('logLevel', raw.logLevel ?? defaults.logLevel, logLevels),
    format: oneOf('logFormat', raw.logFormat ?? defaults.logFormat, logFormats),
  };
}

/**
 * Validates raw CLI options (and MCP_SERVER_URL / MCP_API_KEY from `env`: the outbound credential in
 * reverse mode, the inbound API key in forward mode) into the frozen
 * BridgeConfig; throws BridgeError CONFIG_INVALID with a clear detail.
 */
export function buildConfig(raw: RawOptions, env: NodeJS.ProcessEnv = {}): BridgeConfig {
  const wantsRemote = raw.sse !== undefined || raw.streamableHttp !== undefined || raw.url !== undefined;
  const wantsChild = Boolean(raw.stdio || raw.command?.length);
  if (wantsRemote && wantsChild) invalidConfig('give either a stdio server (--stdio, --) or a remote one (--sse, --streamableHttp, --url), not both');
  const configFile = raw.config ?? (wantsRemote || wantsChild ? undefined : env.MCP_BRIDGE_CONFIG || undefined);
  if (wantsCluster(raw) && configFile === undefined && (wantsRemote || (!wantsChild && env.MCP_SERVER_URL))) {
    invalidConfig('--clusterSecret, --clusterSecretFile, --advertiseUrl, --redis and --workers serve forward mode (--stdio) and gateway mode (--config) only');
  }
  if (configFile !== undefined) {
    if (wantsRemote || wantsChild) invalidConfig('give either a config file (--config) or one server (--stdio, --, --url), not both');
    return deepFreeze({
      mode: 'gateway',
      configFile,
      serving: servingConfig(raw, env),
      remoteDefaults: { era: remoteEra(raw), backoff: backoffFrom(raw), oauth: gatewayOAuthFlags(raw) },
      cluster: clusterConfig(raw, env),
    });
  }
  if (wantsRemote || (!wantsChild && env.MCP_SERVER_URL)) {
    return deepFreeze({
      mode: 'reverse',
      remote: remoteOptions(raw, env),
      maxLineBytes: parseBytes('maxLineBytes', raw.maxLineBytes ?? defaults.maxLineBytes),
      requestTimeoutMs: requestTimeout(raw),
      log: logConfig(raw),
    });
  }
  return forwardConfig(raw, env);
}

/** What every server of the forward side shares: HTTP, security, session limits, the children's limits and logging. */
export function servingConfig(raw: RawOptions, env: NodeJS.ProcessEnv): ServingConfig {
  const eventStoreMaxEvents = raw.eventStoreSize ?? defaults.eventStoreSize;
  if (!Number.isInteger(eventStoreMaxEvents) || eventStoreMaxEvents < 0) invalidConfig('--eventStoreSize must be a whole number');
  const maxBufferBytes = parseBytes('maxSessionBufferBytes', raw.maxSessionBufferBytes ?? defaults.maxSessionBufferBytes);
  const security = securityOptions(raw, env);
  const http = httpConfig(raw);
  return {
    childLimits: {
      cwd: raw.cwd,
      env: envPairs(raw.env),
      passEnv: raw.passEnv ?? [],
      maxLineBytes: parseBytes('maxLineBytes', raw.maxLineBytes ?? defaults.maxLineBytes),
      killGraceMs: parseDurationFlag('killGrace', raw.killGrace ?? defaults.killGrace),
      maxBacklogBytes: maxBufferBytes,
      inFlight: inFlightLimits(raw.maxInFlight ?? defaults.maxInFlight, raw.maxQueued ?? defaults.maxQueued),
    },
    http: { ...http, allowedOrigins: originsWithCors(http.allowedOrigins, security.cors) },
    security,
    sessions: {
      idleTimeoutMs: parseDurationFlag('sessionTimeout', raw.sessionTimeout ?? defaults.sessionTimeout),
      eventStoreMaxEvents,
      requestTimeoutMs: requestTimeout(raw),
      maxBufferBytes,
    },
    continuations: continuationLimits(raw),
    children: childrenOptions(raw),
    log: logConfig(raw),
  };
}

function forwardConfig(raw: RawOptions, env: NodeJS.ProcessEnv): ForwardConfig {
  const { childLimits, ...serving } = servingConfig(raw, env);
  return deepFreeze({ mode: 'forward', child: { ...childCommand(raw), ...childLimits }, ...serving, cluster: clusterConfig(raw, env) });
}
