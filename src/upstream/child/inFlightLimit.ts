// Request queuing for a heavy stdio server: at most `maxInFlight` requests at once in one child, the
// rest waiting in arrival order in a bounded queue, beyond which a request is refused (SERVER_BUSY)
// rather than piled onto the server.
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { ChildObserver } from '../../core/observers.js';
import { BridgeError } from '../../shared/errors.js';
import { isRequest, isResponse } from '../../shared/jsonrpc.js';

/** How many requests one child takes at once, and how many may wait for it. */
export interface InFlightLimits {
  /** Requests in flight in one child at most (0: no limit, the default). */
  readonly maxInFlight: number;
  /** Requests waiting for a free slot at most (default 100); one more is answered SERVER_BUSY at once. */
  readonly maxQueued: number;
}

/** The defaults: no limit, and a queue of 100 once there is one. */
export const defaultInFlightLimits: InFlightLimits = { maxInFlight: 0, maxQueued: 100 };

interface Waiting {
  readonly message: JSONRPCMessage & { id: RequestId };
  readonly since: number;
}

function cancelledId(message: JSONRPCMessage): RequestId | undefined {
  if (!('method' in message) || message.method !== 'notifications/cancelled') return undefined;
  return (message.params as { requestId?: RequestId } | undefined)?.requestId;
}

/** One child's gate: told every message going in (`admit`) and coming out (`observe`). */
export class InFlightLimit {
  private readonly inFlight = new Set<RequestId>();
  private readonly queue: Waiting[] = [];

  constructor(
    private readonly limits: InFlightLimits,
    /** Writes a message to the child (a request whose turn has come). */
    private readonly write: (message: JSONRPCMessage) => void,
    private readonly observer: Partial<ChildObserver>,
  ) {}

  /**
   * True when `message` goes to the child now; false when it waits its turn (or was a cancel for a
   * request that never reached the child). Throws SERVER_BUSY when the queue is full.
   */
  admit(message: JSONRPCMessage): boolean {
    const cancelled = cancelledId(message);
    if (cancelled !== undefined) return this.cancel(cancelled);
    if (!isRequest(message)) return true;
    if (this.inFlight.size < this.limits.maxInFlight) {
      this.inFlight.add(message.id);
      return true;
    }
    if (this.queue.length >= this.limits.maxQueued) {
      throw new BridgeError('SERVER_BUSY', `${this.inFlight.size} requests in flight and ${this.queue.length} waiting`);
    }
    this.queue.push({ message, since: performance.now() });
    this.observer.queueChanged?.(1);
    return false;
  }

  /** Sees a message from the child: an answer frees its request's slot for the next one waiting. */
  observe(message: JSONRPCMessage): void {
    if (isResponse(message) && this.inFlight.delete(message.id)) this.next();
  }

  /** The child has ended: whoever sent the waiting requests answers them (as for those in flight). */
  clear(): void {
    if (this.queue.length > 0) this.observer.queueChanged?.(-this.queue.length);
    this.queue.length = 0;
    this.inFlight.clear();
  }

  /** A cancelled request leaves the queue unseen by the child, or frees its slot (no answer will come). */
  private cancel(id: RequestId): boolean {
    const waiting = this.queue.findIndex((entry) => entry.message.id === id);
    if (waiting >= 0) {
      this.queue.splice(waiting, 1);
      this.observer.queueChanged?.(-1);
      return false;
    }
    if (this.inFlight.delete(id)) queueMicrotask(() => this.next());
    return true;
  }

  private next(): void {
    while (this.inFlight.size < this.limits.maxInFlight && this.queue.length > 0) {
      const { message, since } = this.queue.shift()!;
      this.observer.queueChanged?.(-1);
      this.observer.queueWaited?.((performance.now() - since) / 1000);
      this.inFlight.add(message.id);
      this.write(message);
    }
  }
}
