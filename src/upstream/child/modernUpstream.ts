// The upstream that runs 2026-07-28 requests' virtual sessions: a shared child or prespawned
// per-session ones.
import type { ChildUpstreamConfig } from './options.js';
import type { UpstreamFactory } from '../../core/gateway.js';
import type { ChildObserver } from '../../core/observers.js';
import type { Logger } from '../../shared/log.js';
import type { ForwardUpstreams } from './forwardUpstreams.js';
import { prespawnedChildUpstream, type PrespawnedChildren } from './prespawn.js';

/** Children kept spawned ahead for the virtual sessions of 2026-07-28 requests (per-session mode). */
export const modernPrespawn = 2;

/**
 * Where the virtual sessions of 2026-07-28 requests on a session-era server run. With
 * `--sessionMode shared`, on the shared children (`shared`): no spawn per request, with shared
 * mode's limits. Otherwise on per-session children kept spawned ahead (at least two, started on
 * the first such request): each request's server is initialized with that client's own
 * capabilities and its server-to-client requests cannot reach another client.
 */
export function modernUpstream(config: ChildUpstreamConfig, shared: UpstreamFactory, log: Logger, observer: Partial<ChildObserver>, room: () => number): ForwardUpstreams {
  if (config.children.sessionMode === 'shared') return { upstream: shared, close: async () => {} };
  let pool: { upstream: UpstreamFactory; children: PrespawnedChildren } | undefined;
  const count = Math.max(config.children.prespawn, modernPrespawn);
  return {
    upstream: (sessionLog) => (pool ??= prespawnedChildUpstream({ command: config.child, count, log, observer, room })).upstream(sessionLog),
    close: async () => pool?.children.close(),
  };
}
