// One timer for every held answer stream: streams held for the same time are released in the order
// they were held, so a queue and one timer replace a timer per stream (a setTimeout and clearTimeout
// per POST, each touching libuv's timer, were a large share of a small request's cost).

/** What a HoldQueue releases: a stream whose held headers and frames are due to go out. */
export interface Holder {
  /** Sends what is held; does nothing if the stream already went out or ended. */
  endHold(): void;
}

/**
 * Holds streams for `holdMs` each and then calls their endHold(), oldest first, from one unref'd
 * timer armed only while something is held. A stream that ends before its time is let go with
 * cancel(), which only clears its slot, so that it (and its response) can be collected at once.
 */
export class HoldQueue {
  private readonly holders: (Holder | undefined)[] = [];
  private readonly dueAt: number[] = [];
  private head = 0;
  /** Tickets are positions counted from the queue's creation: the position of holders[0]. */
  private offset = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly holdMs: number) {}

  /** Holds `holder` for holdMs from now; returns the ticket that cancel() takes. */
  hold(holder: Holder): number {
    this.holders.push(holder);
    this.dueAt.push(performance.now() + this.holdMs);
    if (!this.timer) this.arm(this.holdMs);
    return this.offset + this.holders.length - 1;
  }

  /** Lets `holder`, held under `ticket`, go before its time (it ended): it will not be released. */
  cancel(ticket: number, holder: Holder): void {
    const index = ticket - this.offset;
    if (index >= this.head && this.holders[index] === holder) this.holders[index] = undefined;
  }

  private arm(delayMs: number): void {
    this.timer = setTimeout(() => this.releaseDue(), Math.max(1, Math.ceil(delayMs)));
    this.timer.unref();
  }

  private releaseDue(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.head < this.holders.length && this.dueAt[this.head]! <= now) {
      const holder = this.holders[this.head];
      // Dropped before its release, so that a stream that throws cannot be released twice.
      this.holders[this.head++] = undefined;
      holder?.endHold();
    }
    this.compact();
    if (this.head < this.holders.length) this.arm(this.dueAt[this.head]! - now);
  }

  /** Forgets released entries once they are most of the queue. */
  private compact(): void {
    if (this.head < this.holders.length && (this.head <= 1024 || this.head * 2 <= this.holders.length)) return;
    this.holders.splice(0, this.head);
    this.dueAt.splice(0, this.head);
    this.offset += this.head;
    this.head = 0;
  }
}

const queues = new Map<number, HoldQueue>();

/** The queue holding streams for `holdMs` (one per duration, shared by every session). */
export function holdQueueFor(holdMs: number): HoldQueue {
  let queue = queues.get(holdMs);
  if (!queue) queues.set(holdMs, (queue = new HoldQueue(holdMs)));
  return queue;
}
