// One server-sent event stream to an HTTP client: frames, keep-alives, backpressure and the byte
// budget, for every SSE-speaking downstream.
import type { ServerResponse } from 'node:http';
import { RawJson } from '../shared/rawJson.js';
import { holdQueueFor, type Holder, type HoldQueue } from './holdQueue.js';
import { endOut, writeOut, writeParts } from './outboundBudget.js';

const frameEnd = Buffer.from('\n\n');

/** An event's data: a JSON text, or a large message's bytes (never holding a newline or carriage return). */
export type EventData = string | RawJson;

/** Response headers of every event stream we open (no caching, no proxy buffering). */
const eventStreamHeaders = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  // No `Connection`: Node sends keep-alive for a persistent connection itself, and closes a
  // connection that cannot be persistent (HTTP/1.0, which has no chunked encoding to end a stream).
  'X-Accel-Buffering': 'no',
};

const mergedHeaders = new WeakMap<object, Readonly<Record<string, string>>>();

/** The event-stream headers with `extra` on top, merged once per `extra` object. */
function withEventStreamHeaders(extra: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  let merged = mergedHeaders.get(extra);
  if (!merged) mergedHeaders.set(extra, (merged = { ...eventStreamHeaders, ...extra }));
  return merged;
}

/** One SSE frame carrying `data` (a JSON text), with an `id:` line when `id` is given. */
export function sseFrame(data: string, id?: string, type = 'message'): string {
  return id === undefined ? `event: ${type}\ndata: ${data}\n\n` : `event: ${type}\nid: ${id}\ndata: ${data}\n\n`;
}

/**
 * The pieces of one SSE frame carrying a large message's bytes. The frame's head joins the first
 * piece and its end the last (copies of one piece each), so that neither is a write of its own:
 * on a chunked response every write is an HTTP chunk.
 */
function rawFrame(data: RawJson, id?: string, type = 'message'): Buffer[] {
  const head = Buffer.from(id === undefined ? `event: ${type}\ndata: ` : `event: ${type}\nid: ${id}\ndata: `);
  const parts = data.parts.filter((part) => part.length > 0);
  if (parts.length <= 1) return [Buffer.concat([head, ...parts, frameEnd])];
  return [Buffer.concat([head, parts[0]!]), ...parts.slice(1, -1), Buffer.concat([parts.at(-1)!, frameEnd])];
}

/** How an SseStream starts. */
export interface SseStreamOptions {
  /** Interval of `: keepalive` comments; 0 disables them. */
  keepaliveMs: number;
  /** Extra response headers (a session id, say): one object for all of a session's streams, whose merge with the event-stream headers is kept. */
  headers?: Readonly<Record<string, string>>;
  /** A frame sent with the headers, in the same write (a priming event, say; default none). */
  opening?: string;
}

/**
 * One server-sent event stream on an HTTP response: the headers at once, `event: message` frames
 * with an optional id, and `: keepalive` comments so that idle streams survive proxies. Writes go
 * straight to the response; nothing is queued here.
 */
export class SseStream implements Holder {
  private keepalive: NodeJS.Timeout | undefined;
  private ended = false;
  private readonly keepaliveMs: number;
  /** Where the stream waits for its first keep-alive (see keepAliveLater). */
  private holdTicket = -1;
  private holdQueue: HoldQueue | undefined;

  constructor(
    private readonly res: ServerResponse,
    { keepaliveMs, headers, opening }: SseStreamOptions,
  ) {
    res.writeHead(200, headers ? withEventStreamHeaders(headers) : eventStreamHeaders);
    // A client waits for the headers before it counts a stream as open.
    if (opening === undefined) res.flushHeaders();
    else writeOut(res, opening);
    this.keepaliveMs = keepaliveMs;
    this.keepAliveLater();
  }

  /**
   * The first keep-alive comment is due in one interval: until then the stream only waits in the
   * shared HoldQueue of that interval, so that a stream ending sooner (most answer streams) never
   * arms a timer or adds a close listener of its own (a timer due soon costs on every wait of the
   * event loop, see the README's Benchmark section).
   */
  private keepAliveLater(): void {
    if (this.keepaliveMs <= 0) return;
    this.holdQueue = holdQueueFor(this.keepaliveMs);
    this.holdTicket = this.holdQueue.hold(this);
  }

  /** The first keep-alive is due (see HoldQueue): one now, then one every interval until the response closes. */
  endHold(): void {
    this.holdQueue = undefined;
    if (!this.isOpen) return;
    this.raw(': keepalive\n\n');
    this.keepalive = setInterval(() => this.raw(': keepalive\n\n'), this.keepaliveMs);
    this.keepalive.unref();
    // `on`, not `once` (a response closes once): `once` holds a wrapper and a bound function for the stream's life.
    this.res.on('close', () => this.stop());
  }

  /** False once the stream was ended by us or closed by the client. */
  get isOpen(): boolean {
    return !this.ended && !this.res.destroyed;
  }

  /** Writes one event carrying `data`; see sseFrame. A large message's bytes go out as they are, in one write. */
  event(data: EventData, id?: string, type = 'message'): void {
    if (typeof data === 'string') return this.raw(sseFrame(data, id, type));
    if (this.isOpen) writeParts(this.res, rawFrame(data, id, type));
  }

  /** Writes a raw frame (a keep-alive comment, say) exactly as given. */
  raw(frame: string): void {
    if (this.isOpen) writeOut(this.res, frame);
  }

  /** Ends the stream, after one last event when `lastData` is given (one write, not two). */
  end(lastData?: EventData, lastId?: string): void {
    if (!this.isOpen) return this.stop();
    this.stop();
    if (lastData instanceof RawJson) return writeParts(this.res, rawFrame(lastData, lastId), true);
    endOut(this.res, lastData === undefined ? undefined : sseFrame(lastData, lastId));
  }

  private stop(): void {
    this.ended = true;
    clearInterval(this.keepalive);
    // A stream ended before its first keep-alive leaves the queue at once, so that its response is not kept.
    this.holdQueue?.cancel(this.holdTicket, this);
    this.holdQueue = undefined;
  }
}
