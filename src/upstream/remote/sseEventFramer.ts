// Cuts a server-sent event stream into whole events with a bound on one event: a larger event is
// skipped, never kept, and reported with the JSON-RPC id found in its data on the way past.
import { TopLevelScanner } from '../../shared/topLevelScanner.js';
import type { OversizedLine } from '../../shared/lineFramer.js';

const NEWLINE = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const DATA = Buffer.from('data');

/**
 * Splits event-stream bytes into whole events (up to and including their blank line) for the SSE
 * parser, holding at most `maxEventBytes` of one event. A larger event is skipped to its end: its
 * `data:` payloads go through a TopLevelScanner (lines joined by a newline, as the parser would),
 * and `onOversize` gets the size and what the scan found. Handing the parser whole events also keeps
 * its work linear: it re-joins the pieces of a line it has not seen the end of.
 * Lines end with LF or CRLF; a bare CR as line end (allowed by the spec, unused by MCP servers) is not split on.
 */
export class SseEventFramer {
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Bytes of the current line so far (without its LF), and its first byte: a blank line is empty or a lone CR. */
  private lineBytes = 0;
  private firstByte = 0;
  // While skipping: the event's bytes so far, its scanner, and the field of the current line.
  private skipping: { bytes: number; scanner: TopLevelScanner; head: number[]; field: 'head' | 'data' | 'other'; space: boolean } | undefined;

  constructor(
    private readonly maxEventBytes: number,
    private readonly onEvent: (text: string) => void,
    private readonly onOversize: (event: OversizedLine) => void,
  ) {}

  /** Feeds the next bytes of the stream. */
  push(chunk: Uint8Array): void {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (let newline = bytes.indexOf(NEWLINE, start); newline !== -1; newline = bytes.indexOf(NEWLINE, start)) {
      this.piece(bytes.subarray(start, newline + 1), true);
      start = newline + 1;
    }
    if (start < bytes.length) this.piece(bytes.subarray(start), false);
  }

  /** One piece of a line; `ends` when it holds the line's LF. */
  private piece(piece: Buffer, ends: boolean): void {
    const content = ends ? piece.length - 1 : piece.length;
    if (this.lineBytes === 0 && content > 0) this.firstByte = piece[0]!;
    this.lineBytes += content;
    const blank = ends && (this.lineBytes === 0 || (this.lineBytes === 1 && this.firstByte === CR));
    if (ends) this.lineBytes = 0;
    if (this.skipping) return this.skip(piece, ends, blank);
    this.held.push(piece);
    this.heldBytes += piece.length;
    if (this.heldBytes > this.maxEventBytes) return this.startSkipping(blank);
    if (!blank) return;
    const text = (this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held)).toString('utf8');
    this.held = [];
    this.heldBytes = 0;
    this.onEvent(text);
  }

  private startSkipping(blank: boolean): void {
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    this.skipping = { bytes: 0, scanner: new TopLevelScanner(), head: [], field: 'head', space: false };
    // Everything held so far goes through the scan; only the last piece may end the event.
    held.forEach((piece, i) => this.skip(piece, piece[piece.length - 1] === NEWLINE, i === held.length - 1 && blank));
  }

  /** One piece of a line of an event being skipped: data payloads to the scanner, the event's end reported. */
  private skip(piece: Buffer, ends: boolean, blank: boolean): void {
    const state = this.skipping!;
    state.bytes += piece.length;
    if (blank) {
      this.skipping = undefined;
      return this.onOversize({ ...state.scanner.result(), bytes: state.bytes });
    }
    let body = ends ? piece.subarray(0, piece.length - 1) : piece;
    if (state.field === 'head') {
      const colon = body.indexOf(COLON);
      const upTo = colon === -1 ? body.length : colon;
      for (let i = 0; i < upTo && state.head.length <= DATA.length; i++) state.head.push(body[i]!);
      if (colon !== -1) {
        state.field = Buffer.from(state.head).equals(DATA) ? 'data' : 'other';
        state.space = true;
        body = body.subarray(colon + 1);
      } else body = body.subarray(body.length);
    }
    if (state.field === 'data') {
      if (state.space && body.length > 0) {
        state.space = false;
        if (body[0] === SPACE) body = body.subarray(1);
      }
      if (ends && body[body.length - 1] === CR) body = body.subarray(0, body.length - 1);
      state.scanner.push(body);
      if (ends) state.scanner.push(Buffer.of(NEWLINE));
    }
    if (ends) {
      state.field = 'head';
      state.head = [];
    }
  }
}
