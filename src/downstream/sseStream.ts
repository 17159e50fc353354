// One server-sent event stream to an HTTP client: frames, keep-alives, backpressure and the byte
// budget, for every SSE-speaking downstream.
import type { ServerResponse } from 'node:http';
import { RawJson } from '../shared/rawJson.js';
import { holdQueueFor, type Holder, type HoldQueue } from './holdQueue.js';
import { writeParts } from './outboundBudget.js';

const frameEnd = Buffer.from('\n\n');

/** An event's data: a JSON text, or a large message's bytes (never holding a newline or carriage return). */
export type EventData = string | RawJson;

/** Response headers of every event stream we open (no caching, no proxy buffering). */
const eventStreamHeaders = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};

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
  /** Extra response headers (a session id, say). */
  headers?: Readonly<Record<string, string>>;
  /**
   * Hold the headers and first frames this long (default 0: send the headers at once), until the
   * first frame or the end: a quick answer then leaves in one write with the headers instead of
   * three (each write is a system call, and those dominate the cost of a small request), or is
   * answered otherwise (see untouched). Held streams share one timer per duration (HoldQueue).
   */
  holdMs?: number;
  /** A frame sent with the headers when they are not held, in the same write (a priming event, say; default none). */
  opening?: string;
}

/**
 * One server-sent event stream on an HTTP response: the headers, `event: message` frames with an
 * optional id, and `: keepalive` comments so that idle streams survive proxies. Writes go straight
 * to the response; nothing is queued here.
 */
export class SseStream implements Holder {
  private keepalive: NodeJS.Timeout | undefined;
  private ended = false;
  /** Frames written while the headers are held; undefined once they went out. */
  private held: string | undefined;
  private readonly headers: Record<string, string | number>;
  /** The keep-alive interval of a held stream, started on release. */
  private keepaliveMs = 0;
  /** Where the stream waits in its HoldQueue while held (see stop). */
  private holdTicket = -1;
  private holdQueue: HoldQueue | undefined;

  constructor(
    private readonly res: ServerResponse,
    { keepaliveMs, headers = {}, holdMs = 0, opening }: SseStreamOptions,
  ) {
    this.headers = { ...eventStreamHeaders, ...headers };
    if (holdMs > 0) {
      // The head is written only when the hold ends: a stream ended within it is then sent whole,
      // with a Content-Length and in one write, instead of in chunked frames. Its keep-alives start
      // then too: most such streams end within the hold and never need one.
      // No close listener while held either: nothing runs for the stream until its release, which
      // finds a closed response closed.
      this.held = '';
      this.keepaliveMs = keepaliveMs;
      this.holdQueue = holdQueueFor(holdMs);
      this.holdTicket = this.holdQueue.hold(this);
    } else {
      res.writeHead(200, this.headers);
      // A client waits for the headers before it counts a stream as open.
      if (opening === undefined) res.flushHeaders();
      else res.write(opening);
      this.keepAlive(keepaliveMs);
    }
  }

  /**
   * Keeps a stream that went out alive with comments. The first is due in one interval: until then
   * the stream only waits in the shared HoldQueue of that interval, so that a stream ending sooner
   * (most answer streams) never arms a timer or adds a close listener of its own.
   */
  private keepAlive(keepaliveMs: number): void {
    if (keepaliveMs <= 0) return;
    this.keepaliveMs = keepaliveMs;
    this.holdQueue = holdQueueFor(keepaliveMs);
    this.holdTicket = this.holdQueue.hold(this);
  }

  /** The first keep-alive is due: one now, then one every interval until the response closes. */
  private startKeepalive(): void {
    this.raw(': keepalive\n\n');
    this.keepalive = setInterval(() => this.raw(': keepalive\n\n'), this.keepaliveMs);
    this.keepalive.unref();
    // `on`, not `once` (a response closes once): `once` holds a wrapper and a bound function for the stream's life.
    this.res.on('close', () => this.stop());
  }

  /**
   * The stream's time in a HoldQueue is over: a held stream's headers and frames go out, and a
   * stream that went out starts its keep-alives; nothing happens once it ended.
   */
  endHold(): void {
    this.holdQueue = undefined;
    if (this.held !== undefined) this.release();
    else if (this.isOpen) this.startKeepalive();
  }

  /** False once the stream was ended by us or closed by the client. */
  get isOpen(): boolean {
    return !this.ended && !this.res.destroyed;
  }

  /** Writes one event carrying `data`; see sseFrame. A large message's bytes go out as they are, in one write. */
  event(data: EventData, id?: string, type = 'message'): void {
    if (typeof data === 'string') return this.raw(sseFrame(data, id, type));
    if (!this.isOpen) return;
    this.release();
    writeParts(this.res, rawFrame(data, id, type));
  }

  /** Writes a raw frame (a keep-alive comment, say) exactly as given. */
  raw(frame: string): void {
    if (!this.isOpen) return;
    if (this.held === undefined) this.res.write(frame);
    else this.held += frame;
  }

  /**
   * True while the headers are held and no frame has been queued: the response could still be
   * answered otherwise, as one JSON body (see takeOver).
   */
  get untouched(): boolean {
    return this.held === '' && this.isOpen;
  }

  /** Ends the stream without writing anything and hands its response over, to be answered otherwise. */
  takeOver(): ServerResponse {
    this.stop();
    return this.res;
  }

  /** Ends the stream, after one last event when `lastData` is given (one write, not two). */
  end(lastData?: EventData, lastId?: string): void {
    if (!this.isOpen) return this.stop();
    if (lastData instanceof RawJson) {
      this.release();
      this.stop();
      return writeParts(this.res, rawFrame(lastData, lastId), true);
    }
    const held = this.held;
    this.stop();
    const last = (held ?? '') + (lastData === undefined ? '' : sseFrame(lastData, lastId));
    if (held !== undefined) this.res.writeHead(200, Object.assign(this.headers, { 'Content-Length': Buffer.byteLength(last) }));
    if (last === '') this.res.end();
    else this.res.end(last);
  }

  /** Sends the held headers and frames. */
  private release(): void {
    const held = this.held;
    this.held = undefined;
    if (held === undefined || !this.isOpen) return;
    // Out of the hold's queue (released early by a frame) and into the keep-alives' one.
    this.holdQueue?.cancel(this.holdTicket, this);
    this.keepAlive(this.keepaliveMs);
    this.res.writeHead(200, this.headers);
    if (held === '') this.res.flushHeaders();
    else this.res.write(held);
  }

  private stop(): void {
    this.ended = true;
    this.held = undefined;
    clearInterval(this.keepalive);
    // A stream answered within its hold leaves the queue at once, so that its response is not kept.
    this.holdQueue?.cancel(this.holdTicket, this);
    this.holdQueue = undefined;
  }
}
