// Builds forward mode's upstreams for its `--sessionMode`: per-session children, shared pool,
// prespawn and hibernation.
import type { ChildUpstreamConfig } from './options.js';
import type { UpstreamFactory } from '../../core/gateway.js';
import type { ChildObserver } from '../../core/observers.js';
import type { Logger } from '../../shared/log.js';
import { prespawnedChildUpstream } from './prespawn.js';
import { stdioChildUpstream } from './stdioChild.js';
import { ChildBudget, hibernatingUpstream } from './hibernation.js';

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
 * within `room()` more sessions; else, with `--headStart`, one spawned now for the first session),
 * or a pool of `--pool` shared children (whose modules load only in shared mode). Children start at
 * once: call it before loading the rest.
 */
export async function forwardUpstreams(config: ChildUpstreamConfig, log: Logger, observer: Partial<ChildObserver>, room: () => number): Promise<ForwardUpstreams> {
  const { sessionMode, pool, prespawn, headStart, childIdleTimeoutMs, maxChildren } = config.children;
  if (sessionMode === 'shared') {
    const { sharedChildUpstreams } = await import('./childPool.js');
    const shared = sharedChildUpstreams({ command: config.child, size: pool, log, observer });
    return { upstream: shared.upstream, close: shared.close, childLoads: () => shared.pool.loads() };
  }
  const fresh = stdioChildUpstream(config.child, observer);
  // Each session's child stops when the session goes quiet and starts again (freshly spawned) on its next request.
  const hibernating = (first: UpstreamFactory): UpstreamFactory =>
    childIdleTimeoutMs > 0 || maxChildren > 0 ? hibernatingUpstream(first, fresh, childIdleTimeoutMs, new ChildBudget(maxChildren)) : first;
  if (prespawn > 0 || headStart) {
    // The head start: the first session skips the process start (cold start), later ones spawn their own.
    const count = prespawn > 0 ? prespawn : 1;
    const { upstream, children } = prespawnedChildUpstream({ command: config.child, count, refill: prespawn > 0, log, observer, room });
    return { upstream: hibernating(upstream), close: () => children.close() };
  }
  return { upstream: hibernating(fresh), close: async () => {} };
}
