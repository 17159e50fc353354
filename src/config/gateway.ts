// Gateway mode's configuration: the config file's servers, each merged with the gateway-wide flags and
// its own overrides (the file's "mcp-bridge" section) into the settings its upstream and routes take.
import type { GatewayServer } from '../servers/entry.js';
import type { ServedServerConfig } from '../servers/served.js';
import type { RemoteKind, RemoteOptions } from '../upstream/remote/options.js';
import { defaultInFlightLimits } from '../upstream/child/inFlightLimit.js';
import { childrenOptions, inFlightLimits } from './children.js';
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
  readonly remoteDefaults: Pick<RemoteOptions, 'era' | 'backoff'>;
}

/** Per-server settings the gateway reads but does not act on yet; named in a start-up warning. */
const notYetServed = ['passthrough', 'prefix', 'tools', 'prompts', 'resources'] as const;

/** Per-server settings that only a stdio server's children take. */
const stdioOnlySettings = ['maxInFlight', 'maxQueued', 'sessionMode', 'pool', 'prespawn', 'headStart', 'childIdleTimeout', 'env', 'passEnv'] as const;

/** Start-up warnings for per-server settings of the file that this version does not apply yet (they stay in the file for later). */
export function unservedSettingWarnings(file: GatewayFile): string[] {
  return file.servers.flatMap((server) => {
    const where = `${file.path}: ${gatewaySectionKey}.servers.${server.name}`;
    const given = notYetServed.filter((key) => server.overrides[key] !== undefined);
    const stdioOnly = server.kind === 'remote' ? stdioOnlySettings.filter((key) => server.overrides[key] !== undefined) : [];
    return [
      ...(given.length > 0 ? [`${where}: ${given.join(', ')} not applied yet by this version; ignored`] : []),
      ...(stdioOnly.length > 0 ? [`${where}: ${stdioOnly.join(', ')} apply to stdio servers only; ignored for this remote server`] : []),
    ];
  });
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

function remoteServer(server: Extract<FileServer, { kind: 'remote' }>, serving: ServingConfig, remoteDefaults: GatewayConfig['remoteDefaults']): GatewayServer {
  const { entry, overrides, name } = server;
  const kind = entry.type ? remoteKinds[entry.type]! : 'auto';
  // The gateway never waits on a browser: a remote entry brings its credentials in its headers.
  const remote: RemoteOptions = {
    url: entry.url, kind, era: kind === 'sse' ? 'legacy' : remoteDefaults.era, headers: entry.headers, backoff: remoteDefaults.backoff, oauth: undefined,
    maxMessageBytes: serving.childLimits.maxLineBytes,
  };
  return { name, kind: 'remote', served: served(serving, overrides), remote };
}

/**
 * The servers of `file`, each merged with the gateway-wide settings and its overrides. Throws
 * CONFIG_INVALID naming the file and, for every server whose overrides are refused, the server.
 */
export function gatewayServers(file: GatewayFile, serving: ServingConfig, remoteDefaults: GatewayConfig['remoteDefaults']): GatewayServer[] {
  const problems: string[] = [];
  const servers = file.servers.flatMap((server) => {
    try {
      return [server.kind === 'stdio' ? stdioServer(server, serving) : remoteServer(server, serving, remoteDefaults)];
    } catch (error) {
      if (!(error instanceof BridgeError)) throw error;
      problems.push(`  ${gatewaySectionKey}.servers.${server.name}: ${error.detail ?? error.message}`);
      return [];
    }
  });
  if (problems.length > 0) throw new BridgeError('CONFIG_INVALID', `${file.path}: invalid config file\n${problems.join('\n')}`);
  return servers;
}

/** Reads the config file of `start` and builds gateway mode's configuration from it and the flags; throws CONFIG_INVALID. */
export function gatewayConfig(start: GatewayStart, env: NodeJS.ProcessEnv): GatewayConfig {
  const file = readGatewayFile(start.configFile, env);
  const { childLimits: _limits, ...shared } = start.serving;
  return { ...shared, mode: 'gateway', file, servers: gatewayServers(file, start.serving, start.remoteDefaults), serving: start.serving, remoteDefaults: start.remoteDefaults };
}

/** Reads the file of a running gateway again and rebuilds its servers with the same flags; throws CONFIG_INVALID and leaves `previous` as it was. */
export function reloadGatewayConfig(previous: GatewayConfig, env: NodeJS.ProcessEnv): GatewayConfig {
  const file = readGatewayFile(previous.file.path, env);
  return { ...previous, file, servers: gatewayServers(file, previous.serving, previous.remoteDefaults) };
}
