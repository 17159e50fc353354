// What every connection to a remote MCP server shares: options, the RemoteConnection contract and
// its HTTP plumbing.
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { EventSourceMessage } from 'eventsource-parser/stream';
import type { ReadableStream } from 'node:stream/web';
import type { RemoteOAuth } from '../../oauth/types.js';
import type { Logger } from '../../shared/log.js';
import type { BackoffOptions } from './backoff.js';
import { failureForError, RemoteFailure } from './failure.js';
import { messageOf, readSseEvents } from './sseEvents.js';
import type { Response } from 'undici';
import type { OversizedLine } from '../../shared/lineFramer.js';
import { tooLargeError, waitingOn } from '../../shared/oversize.js';

/** What every connection to a remote MCP server needs. */
export interface ConnectionOptions {
  readonly url: URL;
  /** Extra request headers (credentials included); never logged. */
  readonly headers: Readonly<Record<string, string>>;
  readonly backoff: BackoffOptions;
  readonly log: Logger;
  /** OAuth for servers that require it: its headers go on every request. */
  readonly oauth?: RemoteOAuth;
  /** Largest SSE event or JSON body taken from the remote; a larger answer becomes MESSAGE_TOO_LARGE. */
  readonly maxMessageBytes: number;
}

/**
 * One session with a remote MCP server over one HTTP transport. It sends raw JSON-RPC messages,
 * emits the server's, and reports what it cannot recover from itself; the RemoteTransport above
 * decides what to resend, what to fail, and when to start a new session.
 */
export interface RemoteConnection {
  onmessage?: (message: JSONRPCMessage) => void;
  /** Requests whose answers can no longer arrive: their stream broke and could not be resumed. */
  onlost?: (ids: RequestId[], failure: RemoteFailure) => void;
  /** The session is gone (the server forgot it, or its stream could not be re-established). */
  ondown?: (failure: RemoteFailure) => void;
  /** Opens the session's long-lived parts, if the transport has any before the first message. */
  open(): Promise<void>;
  /** Sends one message; rejects with a RemoteFailure when the server did not take it. */
  send(message: JSONRPCMessage): Promise<void>;
  /** Tells the transport the negotiated protocol version (sent as MCP-Protocol-Version). */
  setProtocolVersion(version: string): void;
  /** Stops every stream; with `endSession`, also ends the session on the server (DELETE). */
  close(endSession: boolean): Promise<void>;
}

/** What reading one event stream found. */
export interface StreamOutcome {
  /** Set when the connection broke rather than the server ending the stream. */
  failure?: RemoteFailure;
  /** True when the stream carried at least one event. */
  delivered: boolean;
}

/** The parts both HTTP transports share: emitting messages, reading event streams, stopping. */
export abstract class ConnectionBase {
  onmessage?: (message: JSONRPCMessage) => void;
  onlost?: (ids: RequestId[], failure: RemoteFailure) => void;
  ondown?: (failure: RemoteFailure) => void;

  /** The server's latest SSE `retry:` hint, in ms. */
  protected serverRetryMs: number | undefined;
  /** Stops the streams: on close, and when the session is lost. */
  protected readonly aborter = new AbortController();
  /**
   * Stops POSTs in flight, only when the bridge shuts down: after a lost session they finish and
   * tell their fate (404: never taken, resend; 2xx: taken, may have run), where aborting would blur it.
   */
  protected readonly sendAborter = new AbortController();

  constructor(protected readonly options: ConnectionOptions) {}

  /** The configured headers, the OAuth token when signed in, then `extra`. */
  protected async requestHeaders(extra: Record<string, string>): Promise<Record<string, string>> {
    const auth = (await this.options.oauth?.headers()) ?? {};
    return { ...this.options.headers, ...auth, ...extra };
  }

  protected get closed(): boolean {
    return this.aborter.signal.aborted;
  }

  /** Reads one event stream to its end, passing messages on and each event (with its message) to `onEvent`. */
  protected async readStream(
    body: ReadableStream<Uint8Array> | null,
    onEvent: (event: EventSourceMessage, message: JSONRPCMessage | undefined) => void,
  ): Promise<StreamOutcome> {
    if (!body) return { delivered: false, failure: new RemoteFailure('broken', 'the server sent no stream') };
    let delivered = false;
    try {
      await readSseEvents(body, {
        onRetry: (ms) => (this.serverRetryMs = ms),
        onEvent: (event) => {
          delivered = true;
          onEvent(event, this.emitEvent(event));
        },
        onOversize: (event) => {
          delivered = true;
          onEvent({ event: 'message', data: '', id: undefined }, this.emitOversized(event));
        },
      }, this.options.maxMessageBytes);
      return { delivered };
    } catch (error) {
      return { delivered, failure: failureForError(error) };
    }
  }

  /** Stops the streams, and with `shutdown` also the POSTs in flight. */
  protected stop(shutdown: boolean): void {
    this.aborter.abort();
    if (shutdown) this.sendAborter.abort();
  }

  protected emit(message: JSONRPCMessage): void {
    this.onmessage?.(message);
  }

  /**
   * Reads a JSON body of at most maxMessageBytes; a larger one is not read further (the stream is
   * cancelled) and comes back as `tooLarge`, to be answered with MESSAGE_TOO_LARGE.
   */
  protected async readJsonBody(response: Response): Promise<{ value?: unknown; tooLarge?: true }> {
    const limit = this.options.maxMessageBytes;
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > limit) {
      await response.body?.cancel();
      return { tooLarge: true };
    }
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body ?? []) {
      size += chunk.length;
      if (size > limit) {
        await response.body?.cancel().catch(() => {});
        return { tooLarge: true };
      }
      parts.push(Buffer.from(chunk));
    }
    try {
      return { value: JSON.parse(Buffer.concat(parts).toString('utf8')) };
    } catch {
      return {};
    }
  }

  /** The MESSAGE_TOO_LARGE answer that replaces the remote's answer to `id` when it was over the bound. */
  protected tooLargeAnswer(id: RequestId, bytes?: number): JSONRPCMessage {
    const limit = { bytes: this.options.maxMessageBytes, flag: 'maxLineBytes' };
    this.options.log.warn('dropped an oversized message from the remote MCP server', { bytes, limit: limit.bytes, answered: id });
    return tooLargeError(id, 'the remote MCP server\'s answer', bytes, limit);
  }

  /** An event over the bound: an answer becomes MESSAGE_TOO_LARGE for its request, anything else is only logged. */
  private emitOversized(event: OversizedLine): JSONRPCMessage | undefined {
    const waiting = waitingOn(event);
    if (waiting?.kind !== 'receiver') {
      this.options.log.warn('dropped an oversized message from the remote MCP server', { bytes: event.bytes, limit: this.options.maxMessageBytes });
      return undefined;
    }
    const message = this.tooLargeAnswer(waiting.id, event.bytes);
    this.emit(message);
    return message;
  }

  private emitEvent(event: EventSourceMessage): JSONRPCMessage | undefined {
    const { message, problem } = messageOf(event);
    if (message) this.emit(message);
    else if (problem) this.options.log.warn(`the remote MCP server sent ${problem}; dropped`);
    return message;
  }
}
