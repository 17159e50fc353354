/**
 * Counts what must never happen in any measurement: an answer delivered to the wrong session
 * (cross-talk), delivered twice (duplicate), or never delivered (lost).
 */
export interface Integrity {
  crossTalk: number;
  duplicates: number;
  lost: number;
  /** The first few problems, described, to make a failure easy to chase. */
  examples: string[];
}

export function newIntegrity(): Integrity {
  return { crossTalk: 0, duplicates: 0, lost: 0, examples: [] };
}

/** Adds one problem of `kind` to `integrity`, keeping at most 5 examples. */
export function record(integrity: Integrity, kind: 'crossTalk' | 'duplicates' | 'lost', detail: string): void {
  integrity[kind]++;
  if (integrity.examples.length < 5) integrity.examples.push(`${kind}: ${detail.slice(0, 200)}`);
}

/** True when nothing went wrong. */
export function isClean(integrity: Integrity): boolean {
  return integrity.crossTalk === 0 && integrity.duplicates === 0 && integrity.lost === 0;
}
