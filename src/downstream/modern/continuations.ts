// The bounded store of paused 2026-07-28 calls waiting for their input-response retry (multi
// round-trip requests).
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequestStateCodec, type RequestStateCodec } from '@modelcontextprotocol/server';

/** Bounds of the continuation store: how long one waits for its retry, and how many may wait at once. */
export interface ContinuationLimits {
  /** A continuation not resumed within this long is dropped and its work cancelled (default 10 minutes). */
  ttlMs: number;
  /** Continuations waiting at once; the oldest is dropped to make room (default 1000). */
  max: number;
  /**
   * In a cluster: the key shared by every replica and this replica's id, written into each
   * requestState so that a retry reaching another replica can be sent to this one (default: a
   * random key per process, and no owner).
   */
  signing?: { readonly key: Uint8Array; readonly owner: string };
}

/** The defaults of `--continuationTtl` and `--maxContinuations`. */
export const continuationDefaults: ContinuationLimits = { ttlMs: 10 * 60_000, max: 1000 };

/** What a signed requestState carries: the id of the continuation it names, and in a cluster its owner replica. */
export interface ContinuationToken {
  c: string;
  o?: string;
}

interface Entry<T> {
  value: T;
  timer: NodeJS.Timeout;
}

/**
 * Work paused on an `input_required` result until the client retries: each entry is named by a
 * random id that travels to the client inside a signed `requestState` (HMAC with a per-process
 * key, so it cannot be forged or altered), lives at most `ttlMs`, and is handed to `dispose` when
 * it expires, is evicted for room, or the store closes. `take` removes it: a token works once.
 */
export class ContinuationStore<T> {
  /** Mints and verifies requestState strings; its `verify` throws on a forged, altered or expired one. */
  readonly codec: RequestStateCodec<ContinuationToken>;
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly limits: ContinuationLimits,
    private readonly dispose: (value: T, why: 'expired' | 'evicted' | 'closed') => void,
  ) {
    this.codec = createRequestStateCodec<ContinuationToken>({ key: limits.signing?.key ?? randomBytes(32), ttlSeconds: Math.max(1, Math.ceil(limits.ttlMs / 1000)) });
  }

  get size(): number {
    return this.entries.size;
  }

  /** Stores `value` and returns the signed requestState that names it. */
  async put(value: T): Promise<string> {
    while (this.entries.size >= this.limits.max) this.drop(this.entries.keys().next().value!, 'evicted');
    const id = randomUUID();
    const timer = setTimeout(() => this.drop(id, 'expired'), this.limits.ttlMs);
    timer.unref();
    this.entries.set(id, { value, timer });
    const owner = this.limits.signing?.owner;
    return this.codec.mint(owner === undefined ? { c: id } : { c: id, o: owner });
  }

  /** Removes and returns the continuation a verified token names (undefined when it expired or was used). */
  take(token: ContinuationToken | undefined): T | undefined {
    const id = token?.c;
    const entry = id === undefined ? undefined : this.entries.get(id);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    this.entries.delete(id!);
    return entry.value;
  }

  /** Disposes of every continuation. */
  close(): void {
    for (const id of [...this.entries.keys()]) this.drop(id, 'closed');
  }

  private drop(id: string, why: 'expired' | 'evicted' | 'closed'): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.entries.delete(id);
    this.dispose(entry.value, why);
  }
}
