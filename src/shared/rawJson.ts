// A JSON text kept as the byte pieces it was read in: a large message passes through the bridge
// without being joined, decoded or serialized again, and an edit (a restored id) is a splice.

/**
 * An immutable JSON text as a list of Buffer pieces (views of the buffers it was read into, never
 * copies). `length` is its size in bytes. Splicing builds a new piece list that shares the old
 * pieces, so an edit costs the size of the replacement, not of the text.
 */
export class RawJson {
  /** Size in bytes. */
  readonly length: number;

  constructor(readonly parts: readonly Buffer[]) {
    let length = 0;
    for (const part of parts) length += part.length;
    this.length = length;
  }

  /** A copy of bytes `from` to `to` (for small values only: it allocates their size). */
  slice(from: number, to: number): Buffer {
    return Buffer.concat(this.pieces(from, to));
  }

  /** The text with bytes `from` to `to` replaced by `replacement`; nothing is copied but the replacement. */
  splice(from: number, to: number, replacement: Buffer): RawJson {
    return new RawJson([...this.pieces(0, from), replacement, ...this.pieces(to, this.length)]);
  }

  /** The whole text as a string: a full decode, for consumers that need one (the slow path). */
  toString(): string {
    return this.slice(0, this.length).toString('utf8');
  }

  /** Views of the pieces covering bytes `from` to `to`. */
  private pieces(from: number, to: number): Buffer[] {
    const out: Buffer[] = [];
    if (from >= to) return out;
    let offset = 0;
    for (const part of this.parts) {
      const end = offset + part.length;
      if (end > from && offset < to) out.push(part.subarray(Math.max(0, from - offset), Math.min(part.length, to - offset)));
      offset = end;
      if (offset >= to) break;
    }
    return out;
  }
}
