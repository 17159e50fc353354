// Gateway mode's configuration: the config file's servers, each merged with the gateway-wide flags and
// its own overrides (the file's "mcp-bridge" section) into the settings its upstream and routes take.
import type { CombinedOptions, MemberOptions } from '../combined/options.js';
import { prefixCollisions } from '../combined/naming.js';
import type { GatewayServer } from '../servers/entry.js';
import type { ServedServerConfig } from '../servers/served.js';
import type { RemoteKind, RemoteOptions } from '../upstream/remote/options.js';
import { defaultInFlightLimits } from '../upstream/child/inFlightLimit.js';
import { childrenOptions, inFlightLimits } from './children.js';
import { entryOAuth } from './gatewayOAuth.js';
import { parseDurationFlag } from './durations.js';
import { BridgeError } from '../shared/errors.js';
import { gatewaySectionKey, readGatewayFile, type FileServer, type GatewayFile } from './file.js';
import type { ServerOverrides } from './fileSchema.js';
import type { GatewayStart } from './index.js';
import type { ServingConfig } from './serving.js';

/** Gateway mode: every server of a config file, each on its own routes under /servers/NAME/. */
export interface GatewayConfig extends Omit<ServingConfig, 'childLimits'> {
  readonly mode: 'gateway';
  /** The file as read at start. */
  readonly file: GatewayFile;
  readonly servers: readonly GatewayServer[];
  /** What the servers are built from again when the file changes. */
  readonly serving: ServingConfig;
  /** Retries and era of remote entries (the reverse mode's flags). */
  readonly remoteDefaults: GatewayStart['remoteDefaults'];
  /** Names and filters of the combined endpoint at the root (the file's separator, and each server's prefix and filters). */
  readonly combined: CombinedOptions;
  /** Scale-out settings (see GatewayStart.cluster). */
  readonly cluster: GatewayStart['cluster'];
}

/** Per-server settings that only a stdio server's children take. */
const stdioOnlySettings = ['maxInFlight', 'maxQueued', 'sessionMode', 'pool', 'prespawn', 'headStart', 'childIdleTimeout', 'env', 'passEnv'] as const;

/** Per-server settings of sessions the gateway keeps itself, which a pass-through server has none of (the remote keeps them). */
const sessionSettings = ['sessionTimeout', 'requestTimeout', 'oauth'] as const;

/** Start-up warnings for per-server settings of the file that do not apply to that kind of server (ignored for it). */
export function unservedSettingWarnings(file: GatewayFile): string[] {
  return file.servers.flatMap((server) => {
    const where = `${file.path}: ${gatewaySectionKey}.servers.${server.name}`;
    const stdioOnly = server.kind === 'remote' ? stdioOnlySettings.filter((key) => server.overrides[key] !== undefined) : [];
    const remoteOnly = server.kind === 'stdio' && server.overrides.oauth !== undefined;
    const sessionOnly = server.overrides.passthrough === true ? sessionSettings.filter((key) => server.overrides[key] !== undefined) : [];
    return [
      ...(remoteOnly ? [`${where}: oauth applies to remote servers only; ignored for this stdio server`] : []),
      ...(stdioOnly.length > 0 ? [`${where}: ${stdioOnly.join(', ')} apply to stdio servers only; ignored for this remote server`] : []),
      ...(sessionOnly.length > 0 ? [`${where}: ${sessionOnly.join(', ')} do not apply to a pass-through server (the remote keeps its sessions, and its credentials come from the entry's headers); ignored`] : []),
    ];
  });
}

/**
 * Why `passthrough: true` cannot apply to `server`, if so: only a remote Streamable HTTP server (type
 * `http`, `streamable-http`, or none and so detected) is passed through; a stdio or legacy SSE one is not.
 */
function passthroughProblem(server: FileServer): string | undefined {
  if (server.overrides.passthrough !== true) return undefined;
  if (server.kind === 'stdio') return 'only a remote Streamable HTTP server ("url") can be passed through; this is a stdio server ("command")';
  if (server.entry.type === 'sse') return 'only a remote Streamable HTTP server can be passed through; this one is legacy SSE ("type": "sse")';
  return undefined;
}

function served(serving: ServingConfig, overrides: ServerOverrides): ServedServerConfig {
  return {
    sessions: {
      ...serving.sessions,
      ...(overrides.sessionTimeout !== undefined && { idleTimeoutMs: parseDurationFlag('sessionTimeout', overrides.sessionTimeout) }),
      ...(overrides.requestTimeout !== undefined && { requestTimeoutMs: parseDurationFlag('requestTimeout', overrides.requestTimeout) }),
    },
    continuations: serving.continuations,
    keepaliveMs: serving.http.keepaliveMs,
    jsonResponse: serving.http.jsonResponse,
    maxBodyBytes: serving.http.maxBodyBytes,
    maxSessions: serving.security.maxSessions,
  };
}

function stdioServer(server: Extract<FileServer, { kind: 'stdio' }>, serving: ServingConfig): GatewayServer {
  const { entry, overrides, name } = server;
  const given = (['sessionMode', 'pool', 'prespawn', 'headStart', 'childIdleTimeout'] as const).some((key) => overrides[key] !== undefined);
  const children = given
    ? childrenOptions({
      sessionMode: overrides.sessionMode ?? serving.children.sessionMode,
      pool: overrides.pool,
      prespawn: overrides.prespawn,
      headStart: overrides.headStart,
      childIdleTimeout: overrides.childIdleTimeout ?? serving.children.childIdleTimeoutMs,
      maxChildren: serving.children.maxChildren,
    })
    : serving.children;
  const child = {
    ...serving.childLimits,
    command: entry.command,
    args: entry.args,
    shell: false,
    cwd: entry.cwd ?? serving.childLimits.cwd,
    env: { ...serving.childLimits.env, ...entry.env, ...overrides.env },
    passEnv: [...serving.childLimits.passEnv, ...(overrides.passEnv ?? [])],
    inFlight: inFlightLimits(
      overrides.maxInFlight ?? serving.childLimits.inFlight?.maxInFlight ?? defaultInFlightLimits.maxInFlight,
      overrides.maxQueued ?? serving.childLimits.inFlight?.maxQueued ?? defaultInFlightLimits.maxQueued,
    ),
  };
  return { name, kind: 'stdio', served: { ...served(serving, overrides), child, children } };
}

const remoteKinds: Record<string, RemoteKind> = { sse: 'sse', http: 'streamableHttp', 'streamable-http': 'streamableHttp', streamableHttp: 'streamableHttp' };

function remoteServer(server: Extract<FileServer, { kind: 'remote' }>, serving: ServingConfig, remoteDefaults: GatewayConfig['remoteDefaults'], file: GatewayFile, env: NodeJS.ProcessEnv): GatewayServer {
  const { entry, overrides, name } = server;
  const kind = entry.type ? remoteKinds[entry.type]! : 'auto';
  const passthrough = overrides.passthrough === true;
  // The gateway never waits on a browser: its OAuth only uses tokens signed in ahead of time (or client credentials).
  // A pass-through entry forwards requests unchanged: only its headers (and the client's own credentials) go along.
  const oauth = passthrough ? undefined : entryOAuth({ name, url: entry.url, headers: entry.headers }, overrides.oauth, remoteDefaults.oauth, file.path, env);
  const remote: RemoteOptions = {
    url: entry.url, kind, era: kind === 'sse' ? 'legacy' : remoteDefaults.era, headers: entry.headers, backoff: remoteDefaults.backoff, oauth,
    maxMessageBytes: serving.childLimits.maxLineBytes,
  };
  return { name, kind: 'remote', served: served(serving, overrides), remote, passthrough };
}

/**
 * The servers of `file`, each merged with the gateway-wide settings and its overrides. Throws
 * CONFIG_INVALID naming the file and, for every server whose overrides are refused, the server.
 */
export function gatewayServers(file: GatewayFile, serving: ServingConfig, remoteDefaults: GatewayConfig['remoteDefaults'], env: NodeJS.ProcessEnv): GatewayServer[] {
  const problems: string[] = [];
  const servers = file.servers.flatMap((server) => {
    const refused = passthroughProblem(server);
    if (refused) {
      problems.push(`  ${gatewaySectionKey}.servers.${server.name}.passthrough: ${refused}`);
      return [];
    }
    try {
      return [server.kind === 'stdio' ? stdioServer(server, serving) : remoteServer(server, serving, remoteDefaults, file, env)];
    } catch (error) {
      if (!(error instanceof BridgeError)) throw error;
      problems.push(`  ${gatewaySectionKey}.servers.${server.name}: ${error.detail ?? error.message}`);
      return [];
    }
  });
  if (problems.length > 0) throw new BridgeError('CONFIG_INVALID', `${file.path}: invalid config file\n${problems.join('\n')}`);
  return servers;
}

/**
 * The combined endpoint's options from the file: its separator, and each server's prefix (default its
 * name) and filters. Throws CONFIG_INVALID naming both servers when two have the same non-empty prefix.
 */
export function combinedOptions(file: GatewayFile): CombinedOptions {
  const servers: Record<string, MemberOptions> = {};
  for (const { name, overrides } of file.servers) {
    servers[name] = { prefix: overrides.prefix ?? name, tools: overrides.tools, prompts: overrides.prompts, resources: overrides.resources };
  }
  const problems = prefixCollisions(Object.entries(servers).map(([name, options]) => ({ name, prefix: options.prefix })));
  if (problems.length > 0) throw new BridgeError('CONFIG_INVALID', `${file.path}: invalid config file\n${problems.map((problem) => `  ${gatewaySectionKey}.servers: ${problem}`).join('\n')}`);
  return { separator: file.separator, servers };
}

/** Reads the config file of `start` and builds gateway mode's configuration from it and the flags; throws CONFIG_INVALID. */
export function gatewayConfig(start: GatewayStart, env: NodeJS.ProcessEnv): GatewayConfig {
  const file = readGatewayFile(start.configFile, env);
  const { childLimits: _limits, ...shared } = start.serving;
  const servers = gatewayServers(file, start.serving, start.remoteDefaults, env);
  return { ...shared, mode: 'gateway', file, servers, serving: start.serving, remoteDefaults: start.remoteDefaults, combined: combinedOptions(file), cluster: start.cluster };
}

/** Reads the file of a running gateway again and rebuilds its servers with the same flags; throws CONFIG_INVALID and leaves `previous` as it was. */
export function reloadGatewayConfig(previous: GatewayConfig, env: NodeJS.ProcessEnv): GatewayConfig {
  const file = readGatewayFile(previous.file.path, env);
  const servers = gatewayServers(file, previous.serving, previous.remoteDefaults, env);
  return { ...previous, file, servers, combined: combinedOptions(file) };
}

/**
 * The remote entry `name` of a gateway's file as `mcp-bridge auth --config FILE --server NAME` signs in
 * to it: with a person at hand, so interactive. Throws CONFIG_INVALID naming what is wrong.
 */
export function signInTarget(config: GatewayConfig, name: string | undefined): RemoteOptions {
  const names = config.servers.map((server) => server.name).join(', ');
  if (name === undefined) throw new BridgeError('CONFIG_INVALID', `auth --config needs --server NAME, one of the file's servers: ${names}`);
  const server = config.servers.find((candidate) => candidate.name === name);
  if (!server) throw new BridgeError('CONFIG_INVALID', `${config.file.path} has no enabled server "${name}"; its servers: ${names}`);
  if (server.kind !== 'remote') throw new BridgeError('CONFIG_INVALID', `server "${name}" is a stdio server; only remote servers sign in`);
  if (!server.remote.oauth) throw new BridgeError('CONFIG_INVALID', `OAuth is off for server "${name}" (its entry sends an Authorization header, or its overrides say "oauth": false)`);
  const { signInCommand: _, ...interactive } = server.remote.oauth;
  return { ...server.remote, oauth: interactive };
}
