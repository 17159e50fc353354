// A streaming scan of one JSON text's top level, for messages too large to keep or to parse: it
// finds the JSON-RPC `id`, whether a `method` is there, and where each top-level value lies,
// holding a few hundred bytes whatever the size.

/** What the top level of a (possibly huge) JSON-RPC message held, as far as it was seen. */
export interface TopLevel {
  /** The top-level `id`: a string, a finite number, null, or undefined when absent or not an id. */
  readonly id: string | number | null | undefined;
  /** True when the top level has a `method` member (a request or notification, not a response). */
  readonly hasMethod: boolean;
}

/** Where one top-level member's value lies in the text: bytes `start` (inclusive) to `end` (exclusive). */
export interface MemberSpan { readonly key: string; readonly start: number; readonly end: number }

/** The top level of a whole text: its members' spans, in order, and whether its structure held. */
export interface TopLevelLayout extends TopLevel {
  readonly members: readonly MemberSpan[];
  /** One object, its top level well formed, strings closed, brackets balanced, only whitespace after (literals unchecked). */
  readonly wellFormed: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
// Keys and ids longer than this are not ours to report: an id over 256 bytes is dropped, not kept.
const MAX_CAPTURE = 256;

type Phase = 'before' | 'key' | 'colon' | 'value' | 'scalar' | 'after' | 'done';

/**
 * Scans JSON bytes chunk by chunk without keeping them: it tracks nesting and strings, and keeps
 * only the text of top-level keys and of the `id` value (each up to 256 bytes). String contents are
 * skipped with `indexOf`, so a 64 MiB result scans at memchr speed. The id may come anywhere in the
 * object (SDK servers write it after `result`); a later duplicate wins, as with JSON.parse.
 */
export class TopLevelScanner {
  private depth = 0;
  private phase: Phase = 'before';
  private inString = false;
  private escaped = false;
  private key = '';
  // The raw text being kept (a key or the id value), or undefined when nothing is kept.
  private capture: number[] | undefined;
  private captureTooLong = false;
  private id: string | number | null | undefined;
  private hasMethod = false;
  // Byte offsets: of the current chunk's start, of the byte being handled, of the current value.
  private base = 0;
  private at = 0;
  private valueStart = 0;
  private readonly members: MemberSpan[] = [];
  // Whether a key was seen, the structure broke, the object closed.
  private sawKey = false;
  private malformed = false;
  private closed = false;

  /** Feeds the next bytes of the text. */
  push(chunk: Uint8Array): void {
    const n = chunk.length;
    const base = this.base;
    this.base += n;
    let nextQuote = -1;
    let nextSlash = -1;
    let i = 0;
    while (i < n && this.phase !== 'done') {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          this.keep(chunk, i, i + 1);
          i++;
          continue;
        }
        if (nextQuote < i) nextQuote = indexOrEnd(chunk, QUOTE, i);
        if (nextSlash < i) nextSlash = indexOrEnd(chunk, BACKSLASH, i);
        const stop = Math.min(nextQuote, nextSlash);
        this.keep(chunk, i, Math.min(stop + 1, n));
        i = stop + 1;
        if (stop >= n) break;
        if (chunk[stop] === BACKSLASH) this.escaped = true;
        else {
          this.at = base + stop;
          this.endString();
        }
        continue;
      }
      this.at = base + i;
      this.structural(chunk[i]!);
      i++;
    }
    // After the object only whitespace may follow (a few bytes: the loop has stopped).
    for (; i < n && !this.malformed; i++) if (!isSpace(chunk[i]!)) this.malformed = true;
  }

  /** What was found so far (complete once the whole text was pushed). */
  result(): TopLevel {
    if (this.phase === 'scalar') {
      this.at = this.base;
      this.endScalar();
    }
    return { id: this.id, hasMethod: this.hasMethod };
  }

  /** The layout of the whole text, once all of it was pushed. */
  layout(): TopLevelLayout {
    const found = this.result();
    return { ...found, members: this.members, wellFormed: this.closed && !this.malformed && !this.inString };
  }

  private structural(byte: number): void {
    if (this.depth > 1) {
      if (byte === QUOTE) this.inString = true;
      else if (byte === 0x7b || byte === 0x5b) this.depth++;
      else if (byte === 0x7d || byte === 0x5d) {
        this.depth--;
        if (this.depth === 1) this.endValue(this.at + 1);
      }
      return;
    }
    if (isSpace(byte)) {
      if (this.phase === 'scalar') this.endScalar();
      return;
    }
    if (this.depth === 0) {
      // Only an object has members; anything else at the top has no id to find.
      if (byte === 0x7b && this.phase === 'before') {
        this.depth = 1;
        this.phase = 'key';
      } else {
        this.phase = 'done';
        this.malformed = true;
      }
      return;
    }
    this.member(byte);
  }

  /** One structural byte directly inside the top-level object. */
  private member(byte: number): void {
    if (this.phase === 'scalar' && (byte === 0x2c || byte === 0x7d)) this.endScalar();
    if (byte === 0x2c) {
      if (this.phase !== 'after') this.malformed = true;
      return void (this.phase = 'key');
    }
    if (byte === 0x7d) {
      // `}` ends the object after a value, or at once in `{}` (not after a comma).
      if (this.phase !== 'after' && (this.phase !== 'key' || this.sawKey)) this.malformed = true;
      this.depth = 0;
      this.closed = true;
      return void (this.phase = 'done');
    }
    if (this.phase === 'key' && byte === QUOTE) {
      this.inString = true;
      return this.startCapture(byte);
    }
    if (this.phase === 'colon' && byte === 0x3a) return void (this.phase = 'value');
    if (this.phase === 'value') {
      this.valueStart = this.at;
      if (byte === QUOTE) {
        this.inString = true;
        if (this.key === 'id') this.startCapture(byte);
        return;
      }
      if (byte === 0x7b || byte === 0x5b) {
        if (this.key === 'id') this.id = undefined;
        this.depth = 2;
        return;
      }
      this.phase = 'scalar';
      if (this.key === 'id') this.startCapture(byte);
      return;
    }
    if (this.phase === 'scalar') return this.keep(Uint8Array.of(byte), 0, 1);
    // A key without its quotes, a missing colon, a value where a comma belongs.
    this.malformed = true;
  }

  private endString(): void {
    this.inString = false;
    if (this.phase === 'key') {
      const key = this.decodeCapture();
      this.key = typeof key === 'string' ? key : '';
      if (this.key === 'method') this.hasMethod = true;
      this.sawKey = true;
      this.phase = 'colon';
      return;
    }
    if (this.depth === 1 && this.phase === 'value') {
      if (this.key === 'id') this.setId(this.decodeCapture());
      this.endValue(this.at + 1);
    }
  }

  private endScalar(): void {
    if (this.key === 'id') this.setId(this.decodeCapture());
    this.endValue(this.at);
  }

  /** A top-level value ended just before byte `end`. */
  private endValue(end: number): void {
    this.phase = 'after';
    this.members.push({ key: this.key, start: this.valueStart, end });
  }

  private setId(value: unknown): void {
    const valid = typeof value === 'string' || value === null || (typeof value === 'number' && Number.isFinite(value));
    this.id = valid ? value : undefined;
  }

  private startCapture(first: number): void {
    this.capture = [first];
    this.captureTooLong = false;
  }

  private keep(chunk: Uint8Array, from: number, to: number): void {
    const capture = this.capture;
    if (!capture || this.captureTooLong) return;
    if (capture.length + (to - from) > MAX_CAPTURE) {
      this.captureTooLong = true;
      return;
    }
    for (let i = from; i < to; i++) capture.push(chunk[i]!);
  }

  /** The kept text as JSON (a key's string, the id), or undefined when it was too long or not JSON. */
  private decodeCapture(): unknown {
    const capture = this.capture;
    this.capture = undefined;
    if (!capture || this.captureTooLong) return undefined;
    try {
      return JSON.parse(Buffer.from(capture).toString('utf8'));
    } catch {
      return undefined;
    }
  }
}

function indexOrEnd(chunk: Uint8Array, byte: number, from: number): number {
  const at = chunk.indexOf(byte, from);
  return at === -1 ? chunk.length : at;
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Scans one whole text at once (for tests and for bodies already in memory). */
export function scanTopLevel(...chunks: (Uint8Array | string)[]): TopLevel {
  const scanner = new TopLevelScanner();
  for (const chunk of chunks) scanner.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return scanner.result();
}
