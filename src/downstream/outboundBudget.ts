// Bounds the bytes one session has queued toward its HTTP client (`--maxSessionBuffer`), across all
// of its open responses.
import type { ServerResponse } from 'node:http';
import type { SessionKind } from '../core/sessions.js';
import type { Logger } from '../shared/log.js';

/**
 * Bounds the bytes one session has queued toward its HTTP client, across all of its open responses
 * (`res.writableLength`: Node's buffer plus the socket's). Each write first checks the backlog
 * already queued: over `maxBytes`, the client is taken to have stopped reading, the write is
 * dropped, every watched response is destroyed (freeing its buffers) and `onOverflow` runs once.
 * A single message larger than the bound still goes out when the backlog is under it, so memory per
 * session stays below `maxBytes` plus one message.
 */
export class OutboundBudget {
  private readonly responses = new Set<ServerResponse>();
  private overflowed = false;

  constructor(
    private readonly maxBytes: number,
    private readonly onOverflow: (queuedBytes: number) => void,
  ) {}

  /** Bytes queued toward the client right now, over every open response. */
  get queuedBytes(): number {
    let bytes = 0;
    for (const res of this.responses) bytes += res.writableLength;
    return bytes;
  }

  /** Counts `res` against the budget until it closes, by checking every `res.write`. */
  watch(res: ServerResponse): void {
    if (this.overflowed) return void res.destroy();
    this.responses.add(res);
    res.once('close', () => this.responses.delete(res));
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    // An own property shadows the prototype's write for this response only.
    res.write = ((...args: unknown[]): boolean => {
      if (this.overflowed) return true;
      const queued = this.queuedBytes;
      if (queued > this.maxBytes) {
        this.overflow(queued);
        return true;
      }
      return write(...args);
    }) as ServerResponse['write'];
  }

  private overflow(queuedBytes: number): void {
    this.overflowed = true;
    for (const res of this.responses) res.destroy();
    this.responses.clear();
    this.onOverflow(queuedBytes);
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
  return new OutboundBudget(limit, (queuedBytes) => {
    log.warn('disconnected a client that stopped reading its stream', { ...session, queuedBytes, limit });
    onOverflow();
  });
}
