import type { ForwardConfig } from '../config.js';
import type { UpstreamFactory } from '../core/gateway.js';
import type { ChildObserver } from '../core/observers.js';
import type { Logger } from '../log.js';
import { sharedChildUpstreams } from './childPool.js';
import { prespawnedChildUpstream } from './prespawn.js';
import { stdioChildUpstream } from './stdioChild.js';

/** The upstreams of the forward bridge for its `--sessionMode`, and how to stop what they keep running. */
export interface ForwardUpstreams {
  upstream: UpstreamFactory;
  /** Stops shared or prespawned children (after the Gateway has closed its sessions). */
  close(): Promise<void>;
  /** Shared mode: requests in flight per child. */
  childLoads?: () => number[];
}

/**
 * Picks the upstream for `config.children`: a child per session (prespawned with `--prespawn`,
 * within `room()` more sessions), or a pool of `--pool` shared children.
 */
export function forwardUpstreams(config: ForwardConfig, log: Logger, observer: Partial<ChildObserver>, room: () => number): ForwardUpstreams {
  const { sessionMode, pool, prespawn } = config.children;
  if (sessionMode === 'shared') {
    const shared = sharedChildUpstreams({ command: config.child, size: pool, log, observer });
    return { upstream: shared.upstream, close: shared.close, childLoads: () => shared.pool.loads() };
  }
  if (prespawn > 0) {
    const { upstream, children } = prespawnedChildUpstream({ command: config.child, count: prespawn, log, observer, room });
    return { upstream, close: () => children.close() };
  }
  return { upstream: stdioChildUpstream(config.child, observer), close: async () => {} };
}
