// Decides where a request of a cluster belongs, from the owner its session id (or requestState)
// names and the registry's view of live replicas: here, a peer's address, or nowhere.
import type { PeerRoute, PeerRouting } from '../http/forwarding.js';
import type { OwnedIds } from './ownedIds.js';
import type { ReplicaRegistry } from './registry.js';

/** How long a peer that could not be reached is taken for gone (60 s; replica ids never come back). */
const unreachableForMs = 60_000;

interface StateVerifier {
  verify(state: string): Promise<{ o?: string }>;
}

/**
 * The cluster's PeerRouting: a session id whose signature fails, or whose owner is not alive,
 * has nowhere to go (404); a live peer's session is forwarded there. A requestState that does not
 * verify with the cluster's key stays here, where the 2026-07-28 handler refuses it.
 */
export class ClusterRouting implements PeerRouting {
  private readonly gone = new Map<string, number>();
  private verifier: Promise<StateVerifier> | undefined;

  constructor(
    private readonly ids: OwnedIds,
    private readonly registry: ReplicaRegistry,
    /** Counts forwarded requests (the metrics' `mcp_bridge_forwarded_total`). */
    readonly forwarded: () => void,
  ) {}

  async route(id: string): Promise<PeerRoute> {
    const owner = this.ids.ownerOf(id);
    if (owner === undefined) return { to: 'nowhere', detail: 'not a session of this cluster' };
    return this.routeTo(owner, 'its replica is gone');
  }

  async routeState(requestState: string): Promise<PeerRoute> {
    const verifier = await this.stateVerifier();
    const owner = await verifier.verify(requestState).then((token) => token.o, () => undefined);
    if (owner === undefined) return { to: 'local' };
    return this.routeTo(owner, 'the replica holding the paused call is gone');
  }

  unreachable(owner: string): void {
    this.gone.set(owner, Date.now() + unreachableForMs);
  }

  private async routeTo(owner: string, goneDetail: string): Promise<PeerRoute> {
    if (owner === this.ids.replicaId) return { to: 'local' };
    const until = this.gone.get(owner);
    if (until !== undefined && until > Date.now()) return { to: 'nowhere', detail: goneDetail };
    if (until !== undefined) this.gone.delete(owner);
    const url = await this.registry.addressOf(owner);
    return url === undefined ? { to: 'nowhere', detail: goneDetail } : { to: 'peer', owner, url };
  }

  /** The SDK's codec with the cluster's requestState key (loaded on the first retry only). */
  private stateVerifier(): Promise<StateVerifier> {
    return (this.verifier ??= import('@modelcontextprotocol/server').then(({ createRequestStateCodec }) => {
      const codec = createRequestStateCodec<{ o?: string }>({ key: this.ids.requestStateKey });
      // No bind callback, so the codec never reads the request context.
      return { verify: (state: string) => codec.verify(state, undefined as never) };
    }));
  }
}
