// Bounds the bytes one session lets pile up toward an HTTP client that stopped reading
// (`--maxSessionBufferBytes`), across all of its open responses, without counting the one large
// message a reading client is taking in.
import type { ServerResponse } from 'node:http';
import type { SessionKind } from '../core/sessions.js';
import type { Logger } from '../shared/log.js';

/** One watched response: the largest write still (partly) queued since its queue was last empty. */
interface Watched {
  largest: number;
}

// Responses taking one message in several writes (see writeParts): where their queue stood before it.
const messageStarts = new WeakMap<ServerResponse, number>();

/**
 * Writes one message given in pieces (a large message's bytes between its frame's head and tail)
 * in one system call where the socket takes it, and, for an OutboundBudget watching `res`, as one
 * message: the pieces together are the message a reading client is taking in. Ends `res` after
 * them when `end` is true (default false).
 */
export function writeParts(res: ServerResponse, parts: readonly (string | Buffer)[], end = false): void {
  messageStarts.set(res, res.writableLength);
  res.cork();
  try {
    for (const part of parts) res.write(part);
  } finally {
    messageStarts.delete(res);
    res.uncork();
  }
  if (end) res.end();
}

/**
 * Bounds what one session lets pile up toward its HTTP client, over all of its open responses
 * (`res.writableLength`: Node's buffer plus the socket's). The largest message queued since a
 * response's queue was last empty is not counted: that is the message a reading client is taking
 * in, however slowly, and it costs one message (at most --maxLineBytes) whatever the client does.
 * Each write first checks the rest, the pile-up: over `maxBytes` the client has stopped reading
 * (or fell that far behind its server), the write is dropped, every watched response is destroyed
 * (freeing its buffers) and `onOverflow` runs once. Memory per session stays below `maxBytes`
 * plus one message.
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

  /** Counts `res` against the budget until it closes, by checking every `res.write`. */
  watch(res: ServerResponse): void {
    if (this.overflowed) return void res.destroy();
    const watched: Watched = { largest: 0 };
    this.responses.set(res, watched);
    // `on`, not `once`: a response closes once, and `once` would hold a wrapper and a bound function for the stream's life.
    res.on('close', () => this.responses.delete(res));
    // Everything queued went out: whatever comes next is the message being taken in.
    res.on('drain', () => (watched.largest = 0));
    // Called on `res` rather than bound to it: a bound function per response is held for the stream's life.
    const write = res.write as (...args: unknown[]) => boolean;
    // An own property shadows the prototype's write for this response only.
    res.write = ((...args: unknown[]): boolean => {
      if (this.overflowed) return true;
      const before = res.writableLength;
      if (before === 0) watched.largest = 0;
      // The later pieces of one message count together with its first (see writeParts).
      const from = messageStarts.get(res) ?? before;
      const queued = this.queuedBytes;
      const largest = this.largestQueued();
      if (queued - largest > this.maxBytes) {
        this.overflow(queued, largest);
        return true;
      }
      const more = write.apply(res, args);
      // What this message left queued (a write the socket took at once leaves nothing).
      watched.largest = Math.max(watched.largest, res.writableLength - from);
      return more;
    }) as ServerResponse['write'];
    // A stream's last message often leaves with end(): not checked (nothing follows it), but measured.
    const end = res.end as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]): ServerResponse => {
      const before = res.writableLength;
      const ended = end.apply(res, args);
      watched.largest = Math.max(before === 0 ? 0 : watched.largest, res.writableLength - before);
      return ended;
    }) as ServerResponse['end'];
  }

  private largestQueued(): number {
    let largest = 0;
    for (const watched of this.responses.values()) largest = Math.max(largest, watched.largest);
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
