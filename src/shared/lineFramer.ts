// Newline-delimited framing with a bound on one line: longer lines are skipped, never kept, and
// reported with the JSON-RPC id found by scanning them on the way past; large lines can be handed
// on as their bytes with their top level scanned, never joined or decoded.
import { RawJson } from './rawJson.js';
import { TopLevelScanner, type TopLevel, type TopLevelLayout } from './topLevelScanner.js';

/** A line that was over the limit and dropped: its size and what its top level held (when scanned). */
export interface OversizedLine extends TopLevel {
  readonly bytes: number;
}

/** Where lines from `fromBytes` on go instead of onLine: their bytes, and their top level as scanned. */
export interface LargeLines {
  readonly fromBytes: number;
  readonly onLine: (line: RawJson, layout: TopLevelLayout) => void;
}

/**
 * Splits a byte stream into newline-terminated lines without ever holding more than `maxLineBytes`
 * of one line: a longer line is skipped up to its newline and reported to `onOversize` when it ends,
 * so one huge or endless line cannot exhaust memory. With `scan` (default true) the skipped bytes
 * go through a TopLevelScanner, so the report carries the message's id (see topLevelScanner.ts).
 * With `large`, a line of `large.fromBytes` or more is scanned as it arrives and handed on as
 * its pieces (no copy), for messages that can pass through without being parsed.
 */
export class LineFramer {
  private parts: Buffer[] = [];
  private size = 0;
  // Set while skipping an oversized line: its scanner (or null when not scanning).
  private skipping: TopLevelScanner | null | undefined;
  // Set while keeping a large line (see LargeLines): the scan of its top level so far.
  private scanning: TopLevelScanner | undefined;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (line: string) => void,
    private readonly onOversize: (line: OversizedLine) => void,
    private readonly scan = true,
    private readonly large?: LargeLines,
  ) {}

  /** Feeds one chunk; calls `onLine` for every complete line in it. */
  push(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(10, start); newline !== -1; newline = chunk.indexOf(10, start)) {
      this.finishLine(chunk.subarray(start, newline));
      start = newline + 1;
    }
    if (start < chunk.length) this.keep(chunk.subarray(start));
  }

  private keep(piece: Buffer): void {
    this.size += piece.length;
    if (this.skipping !== undefined) return this.skipping?.push(piece);
    if (this.size > this.maxLineBytes) return this.startSkipping(piece);
    this.parts.push(piece);
    if (this.scanning) this.scanning.push(piece);
    else if (this.large && this.size >= this.large.fromBytes) this.startScanning();
  }

  private startScanning(): void {
    this.scanning = new TopLevelScanner();
    for (const part of this.parts) this.scanning.push(part);
  }

  private finishLine(tail: Buffer): void {
    if (this.skipping === undefined && this.size + tail.length > this.maxLineBytes) this.startSkipping();
    if (this.skipping !== undefined) {
      this.skipping?.push(tail);
      const found = this.skipping?.result() ?? { id: undefined, hasMethod: false };
      const bytes = this.size + tail.length;
      this.skipping = undefined;
      this.reset();
      return this.onOversize({ ...found, bytes });
    }
    if (this.large && this.size + tail.length >= this.large.fromBytes) return this.finishLarge(this.large, tail);
    const line = this.parts.length === 0 ? tail : Buffer.concat([...this.parts, tail]);
    this.reset();
    this.onLine(line.toString('utf8'));
  }

  private finishLarge(large: LargeLines, tail: Buffer): void {
    if (!this.scanning) this.startScanning();
    this.scanning!.push(tail);
    const layout = this.scanning!.layout();
    const line = new RawJson([...this.parts, tail]);
    this.reset();
    large.onLine(line, layout);
  }

  /** Frees what was kept of the line, after scanning it (and `piece`, not yet in `parts`). */
  private startSkipping(piece?: Buffer): void {
    const scanner = this.scan ? new TopLevelScanner() : null;
    for (const part of this.parts) scanner?.push(part);
    if (piece) scanner?.push(piece);
    this.parts = [];
    this.scanning = undefined;
    this.skipping = scanner;
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
    this.scanning = undefined;
  }
}
