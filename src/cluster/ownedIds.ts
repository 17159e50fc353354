// Owner-carrying, signed ids for a cluster of replicas: every session id (and every paused
// 2026-07-28 call's requestState) names the replica that owns it, signed with the cluster secret,
// so any replica can tell where a request belongs and nobody can point it elsewhere.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bytes of HMAC-SHA256 kept in a session id (128 bits: forging one means guessing them). */
const signatureBytes = 16;
/** A replica id: 12 base64url characters (72 random bits). */
const replicaIdPattern = /^[A-Za-z0-9_-]{12}$/;

function base64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/** A fresh random replica id (12 base64url characters): opaque, never an address. */
export function newReplicaId(): string {
  return base64url(randomBytes(9));
}

/**
 * Mints and checks the ids of one replica of a cluster. A session id is
 * `<replica>.<random>.<signature>`: the owner replica's id, 128 random bits, and an HMAC-SHA256
 * (truncated to 128 bits) of both with the cluster secret. The replica id is looked up in the
 * registry for an address; an id never holds an address itself, so a client cannot choose where a
 * request is forwarded.
 */
export class OwnedIds {
  private readonly sessionKey: Buffer;
  /** The key for requestState signatures, derived from the secret so the two uses never share one. */
  readonly requestStateKey: Buffer;
  /** The registry's key prefix in Redis, named by the secret: clusters sharing one Redis never see each other. */
  readonly registryPrefix: string;

  constructor(
    /** This replica's id. */
    readonly replicaId: string,
    secret: string,
  ) {
    this.sessionKey = createHmac('sha256', secret).update('mcp-bridge session ids').digest();
    this.requestStateKey = createHmac('sha256', secret).update('mcp-bridge requestState').digest();
    this.registryPrefix = `mcp-bridge:${createHmac('sha256', secret).update('mcp-bridge registry').digest('hex').slice(0, 12)}:`;
  }

  /** A new session id owned by this replica. */
  mint(): string {
    const body = `${this.replicaId}.${base64url(randomBytes(16))}`;
    return `${body}.${this.sign(body)}`;
  }

  /** The replica that owns `id` when its signature holds, else undefined (forged, altered, or not a cluster id). */
  ownerOf(id: string): string | undefined {
    const last = id.lastIndexOf('.');
    const first = id.indexOf('.');
    if (first < 0 || last === first) return undefined;
    const replica = id.slice(0, first);
    if (!replicaIdPattern.test(replica)) return undefined;
    const given = Buffer.from(id.slice(last + 1), 'base64url');
    const expected = Buffer.from(this.sign(id.slice(0, last)), 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected) ? replica : undefined;
  }

  private sign(body: string): string {
    return base64url(createHmac('sha256', this.sessionKey).update(body).digest().subarray(0, signatureBytes));
  }
}
