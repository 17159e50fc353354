// Writes newline-delimited JSON to a child's stdin: the lines of one round of I/O joined into one
// write, and backpressure (lines wait in order while the pipe drains, up to a bound).
import type { Writable } from 'node:stream';
import { BridgeError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log.js';

/** A line waiting for the pipe to drain, and who waits for it to be handed over. */
interface WaitingLine {
  data: Buffer;
  written: () => void;
  failed: (error: Error) => void;
}

/**
 * One child's stdin. A line is written at once when the child has written something since our last
 * write (it has caught up: most likely it waits for input, and every moment and every pass of the
 * event loop spent holding the line is the call's latency and CPU). Otherwise the child is still
 * busy with what it was given, and lines are joined and written as one string when the current
 * round of I/O callbacks is done, so that messages from many clients to a shared child leave in one
 * system call (one joined string costs less than cork/uncork, whose writev passes every line as its
 * own buffer). While the pipe needs draining, lines wait in order and resolve once handed to it;
 * beyond `maxBacklogBytes` waiting, a line is refused with SERVER_BACKLOGGED.
 */
export class StdinWriter {
  private readonly waiting: WaitingLine[] = [];
  private waitingBytes = 0;
  /** Lines held for the write at the end of this round of I/O; undefined when none. */
  private batch: string | undefined;
  /** Whether the child wrote something since our last write (see heard); true before the first. */
  private caughtUp = true;

  constructor(
    private readonly stdin: Writable,
    private readonly maxBacklogBytes: number,
    private readonly log: () => Logger,
    /** Told the size of every line accepted (default: nobody). */
    private readonly counted: (bytes: number) => void = () => {},
  ) {
    stdin.on('drain', () => this.flushWaiting());
  }

  /** Writes one line (ending in a newline); resolves once it is handed to the pipe. */
  async write(line: string): Promise<void> {
    if (this.waiting.length === 0 && !this.stdin.writableNeedDrain) {
      this.counted(Buffer.byteLength(line));
      return this.coalesce(line);
    }
    const data = Buffer.from(line);
    const backlog = this.waitingBytes + this.stdin.writableLength;
    if (backlog > this.maxBacklogBytes) {
      this.log().warn('the MCP server is not reading its input; refused a message', { backlogBytes: backlog, limit: this.maxBacklogBytes });
      throw new BridgeError('SERVER_BACKLOGGED', `${backlog} bytes are waiting for it to read`);
    }
    this.counted(data.length);
    this.waitingBytes += data.length;
    await new Promise<void>((written, failed) => this.waiting.push({ data, written, failed }));
  }

  /** Ends the input, after what this round wrote (it goes out as it would have without joining). */
  end(): void {
    this.writeBatch();
    this.stdin.end();
  }

  /** Fails every line still waiting (the child is gone). */
  failWaiting(error: Error): void {
    for (const line of this.waiting.splice(0)) line.failed(error);
    this.waitingBytes = 0;
  }

  /** The child wrote to its stdout: the next line may go at once (see the class comment). */
  heard(): void {
    this.caughtUp = true;
  }

  private coalesce(line: string): void {
    if (this.batch !== undefined) {
      this.batch += line;
      return;
    }
    this.batch = line;
    if (!this.caughtUp) return void setImmediate(() => this.writeBatch());
    this.caughtUp = false;
    this.writeBatch();
  }

  private writeBatch(): void {
    const batch = this.batch;
    this.batch = undefined;
    if (batch !== undefined && !this.stdin.destroyed && !this.stdin.writableEnded) this.stdin.write(batch);
  }

  private flushWaiting(): void {
    while (!this.stdin.destroyed && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      this.waitingBytes -= next.data.length;
      const more = this.stdin.write(next.data);
      next.written();
      if (!more) return;
    }
  }
}
