/**
 * Splits a byte stream into newline-terminated lines without ever holding more than `maxLineBytes`
 * of one line: a longer line is reported to `onOversize` and skipped up to its newline, so one huge
 * or endless line cannot exhaust memory.
 */
export class LineFramer {
  private parts: Buffer[] = [];
  private size = 0;
  private discarding = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (line: string) => void,
    private readonly onOversize: (bytesSoFar: number) => void,
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
    if (this.discarding) return;
    this.size += piece.length;
    if (this.size > this.maxLineBytes) return this.startDiscarding();
    this.parts.push(piece);
  }

  private finishLine(tail: Buffer): void {
    if (this.discarding) {
      this.discarding = false;
      return;
    }
    if (this.size + tail.length > this.maxLineBytes) {
      this.onOversize(this.size + tail.length);
      return this.reset();
    }
    const line = this.parts.length === 0 ? tail : Buffer.concat([...this.parts, tail]);
    this.reset();
    this.onLine(line.toString('utf8'));
  }

  private startDiscarding(): void {
    this.onOversize(this.size);
    this.reset();
    this.discarding = true;
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
  }
}
