// Gateway mode's combined endpoint: every server of the file as one MCP server at the root routes
// (/mcp, /sse, /message), served by the same machinery as each server's own routes, with a
// CombinedSession as every client session's upstream.
import { CombinedCatalogue, type CombinedMember } from '../combined/combinedCatalogue.js';
import { combinedUpstream } from '../combined/combinedSession.js';
import type { CombinedOptions } from '../combined/options.js';
import type { RelayObserver } from '../core/observers.js';
import type { RunningEntry } from '../servers/entry.js';
import { remoteServerUpstreams, serveServer, type EndpointModules, type ServedServer, type ServedServerConfig } from '../servers/served.js';
import { BridgeError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import type { ReloadVet } from './gatewayServers.js';

/** The combined endpoint's routes, relative to the gateway's origin. */
export const combinedPaths = { ssePath: '/sse', messagePath: '/message', streamableHttpPath: '/mcp' } as const;

/** The combined endpoint of a running gateway. */
export interface CombinedEndpoint {
  readonly catalogue: CombinedCatalogue;
  readonly served: ServedServer;
  /** Checks a reload's servers under its options (collisions of what they offer) before they are swapped in. */
  vet(options: CombinedOptions): ReloadVet;
  close(): Promise<void>;
}

/**
 * A server as the combined endpoint uses it. A client session's connection is the server's own session
 * upstream (per-session child, shared pool, remote session); the catalogue's is a plain child of its
 * own, or a session on the shared pool for a shared server (no process more).
 */
export function combinedMember({ server, served }: RunningEntry): CombinedMember {
  const { children } = served;
  const shared = server.kind === 'stdio' && server.served.children.sessionMode === 'shared';
  return {
    name: server.name,
    upstream: children.upstreams.upstream,
    virtualUpstream: children.virtualSessions.upstream,
    catalogueUpstream: shared ? children.upstreams.upstream : children.plainUpstream,
  };
}

/** The servers the combined endpoint offers: every one but those passed through (the gateway keeps no session of its own with those). */
export function combinedEntries(entries: readonly RunningEntry[]): RunningEntry[] {
  return entries.filter(({ server }) => !(server.kind === 'remote' && server.passthrough));
}

/**
 * Reads every server's catalogue once (servers that fail are down and retried), refuses with
 * CONFIG_INVALID when two servers offer the same name (naming both), then serves the combined endpoint.
 */
export async function startCombined(
  entries: readonly RunningEntry[],
  options: CombinedOptions,
  config: ServedServerConfig,
  modules: EndpointModules,
  baseUrl: string,
  metrics: RelayObserver,
  log: Logger,
): Promise<CombinedEndpoint> {
  const combinedLog = log.child({ server: '(combined)' });
  const catalogue = new CombinedCatalogue(combinedLog);
  const prepared = await catalogue.prepare(combinedEntries(entries).map(combinedMember), options);
  if (prepared.problems.length > 0) {
    await prepared.abort();
    throw new BridgeError('CONFIG_INVALID', `the combined endpoint cannot offer these servers together:\n${prepared.problems.map((problem) => `  ${problem}`).join('\n')}`);
  }
  prepared.commit();
  const children = { ...remoteServerUpstreams(config, combinedUpstream(catalogue)), virtualSessions: { upstream: combinedUpstream(catalogue, true), close: async () => {} } };
  const served = serveServer(children, modules, `${baseUrl}${combinedPaths.messagePath}`, metrics, combinedLog);
  return {
    catalogue,
    served,
    vet: (next) => (running) => catalogue.prepare(combinedEntries(running).map(combinedMember), next),
    close: async () => {
      await served.close();
      await catalogue.close();
    },
  };
}
