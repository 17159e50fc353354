// Counts for the per-message counters kept in plain numbers, handed to prom-client when it is scraped:
// an `inc` with labels hashes and validates them on every call, a cost paid here twice per message.
import type { Counter } from 'prom-client';

type Labels = Record<string, string>;

/** One series' count not yet handed to its counter. */
class Pending {
  count = 0;
  constructor(readonly labels: Labels) {}
}

/**
 * Series of one prom-client Counter counted with plain additions: `series(labels)` gives a slot to
 * add to, and `flush()` (call it from the counter's `collect`, run before every scrape or `get`)
 * adds what was counted since to the counter. Series are created once, when an observer is made.
 */
export class Tally {
  private readonly pending: Pending[] = [];

  constructor(private readonly counter: () => Counter<string>) {}

  /** A slot counting the series with these labels (a fixed set, known up front). */
  series(labels: Labels): Pending {
    const slot = new Pending(labels);
    this.pending.push(slot);
    return slot;
  }

  /** Adds every count since the last flush to the counter. */
  flush(): void {
    for (const slot of this.pending) {
      if (slot.count === 0) continue;
      this.counter().inc(slot.labels, slot.count);
      slot.count = 0;
    }
  }
}
