// Bounds the bytes one session lets pile up toward an HTTP client that stopped reading
// (`--maxSessionBufferBytes`), across all of its open responses, without counting the one large
// message a reading client is taking in.
import type { ServerResponse } from 'node:http';
import type { SessionKind } from '../core/sessions.js';
import type { Logger } from '../shared/log.js';

/** One watched response: its session's budget, and the largest write still (partly) queued since its queue was last empty. */
interface Watched {
  readonly budget: OutboundBudget;
  largest: number;
}

// Watched responses, looked up by the writers (writeOut, endOut): a response is never wrapped, since
// an own `write` or `end` on one gives it a hidden class of its own and makes Node's calls on it polymorphic.
const watchedResponses = new WeakMap<ServerResponse, Watched>();

/** Forgets a closed response (one listener shared by every watched response, not a closure each). */
function forgetClosed(this: ServerResponse): void {
  watchedResponses.get(this)?.budget.forget(this);
}

/**
 * Writes `chunk` to `res`, checked against the OutboundBudget watching it, if any (see
 * OutboundBudget.write); `from` is where the queue stood before the message began, for a message
 * written in several pieces (default: before this chunk). Returns what `res.write` returns.
 */
export function writeOut(res: ServerResponse, chunk: string | Buffer, from?: number): boolean {
  const watched = watchedResponses.get(res);
  return watched ? watched.budget.write(res, watched, chunk, from) : res.write(chunk);
}

/** Ends `res`, after `chunk` when given: a stream's last message is not checked (nothing follows it) but measured. */
export function endOut(res: ServerResponse, chunk?: string): void {
  const watched = watchedResponses.get(res);
  const before = res.writableLength;
  if (chunk === undefined) res.end();
  else res.end(chunk);
  if (watched) watched.largest = Math.max(before === 0 ? 0 : watched.largest, res.writableLength - before);
}

/**
 * Writes one message given in pieces (a large message's bytes between its frame's head and tail)
 * in one system call where the socket takes it, and, for an OutboundBudget watching `res`, as one
 * message: the pieces together are the message a reading client is taking in. Ends `res` after
 * them when `end` is true (default false).
 */
export function writeParts(res: ServerResponse, parts: readonly (string | Buffer)[], end = false): void {
  const from = res.writableLength;
  res.cork();
  try {
    for (const part of parts) writeOut(res, part, from);
  } finally {
    res.uncork();
  }
  if (end) endOut(res);
}

/**
 * Bounds what one session lets pile up toward its HTTP client, over all of its open responses
 * (`res.writableLength`: Node's buffer plus the socket's). The largest message queued since a
 * response's queue was last empty is not counted: that is the message a reading client is taking
 * in, however slowly, and it costs one message (at most --maxLineBytes) whatever the client does.
 * Each write through writeOut first checks the rest, the pile-up: over `maxBytes` the client has
 * stopped reading (or fell that far behind its server), the write is dropped, every watched
 * response is destroyed (freeing its buffers) and `onOverflow` runs once. Memory per session stays
 * below `maxBytes` plus one message.
 */
export class OutboundBudget {
  private readonly responses = new Map<ServerResponse, Watched>();
  private overflowed = false;

  constructor(
    private readonly maxBytes: number,
    private readonly onOverflow: (queuedBytes: number, largestMessage: number) => void,
  ) {}

  /** Bytes queued toward the client right now, over every open response. */
  get queuedBytes(): number {
    let bytes = 0;
    for (const res of this.responses.keys()) bytes += res.writableLength;
    return bytes;
  }

  /** The bytes queued beyond the one message a reading client is taking in. */
  get pileUpBytes(): number {
    return Math.max(0, this.queuedBytes - this.largestQueued());
  }

  /** Counts `res` against the budget until it closes: writeOut, endOut and writeParts check and measure its writes. */
  watch(res: ServerResponse): void {
    if (this.overflowed) return void res.destroy();
    const watched: Watched = { budget: this, largest: 0 };
    this.responses.set(res, watched);
    watchedResponses.set(res, watched);
    res.on('close', forgetClosed);
  }

  /** Stops counting `res` (it closed). */
  forget(res: ServerResponse): void {
    this.responses.delete(res);
  }

  /** Writes `chunk` to the watched `res` unless the session's pile-up is over the budget (see writeOut). */
  write(res: ServerResponse, watched: Watched, chunk: string | Buffer, from?: number): boolean {
    if (this.overflowed) return true;
    const before = res.writableLength;
    if (before === 0) watched.largest = 0;
    const queued = this.queuedBytes;
    const largest = this.largestQueued();
    if (queued - largest > this.maxBytes) {
      this.overflow(queued, largest);
      return true;
    }
    const more = res.write(chunk);
    // What this message left queued (a write the socket took at once leaves nothing).
    watched.largest = Math.max(watched.largest, res.writableLength - (from ?? before));
    return more;
  }

  /** The largest message still queued on any response (a response whose queue emptied holds none). */
  private largestQueued(): number {
    let largest = 0;
    for (const [res, watched] of this.responses) if (res.writableLength > 0) largest = Math.max(largest, watched.largest);
    return largest;
  }

  private overflow(queuedBytes: number, largestMessage: number): void {
    this.overflowed = true;
    for (const res of this.responses.keys()) res.destroy();
    this.responses.clear();
    this.onOverflow(queuedBytes, largestMessage);
  }
}

/**
 * A budget for one session's responses that logs the standard warning when the client stopped
 * reading, then calls `onOverflow` (default: nothing more; destroyed streams end most sessions).
 */
export function sessionBudget(
  limit: number,
  log: Logger,
  session: { sessionId: string; transport: SessionKind },
  onOverflow: () => void = () => {},
): OutboundBudget {
  return new OutboundBudget(limit, (queuedBytes, largestMessage) => {
    const pileUpBytes = queuedBytes - largestMessage;
    log.warn('disconnected a client that stopped reading its stream', { ...session, queuedBytes, pileUpBytes, limit });
    onOverflow();
  });
}
