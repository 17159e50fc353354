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

/** What every connection to a remote MCP server needs. */
export interface ConnectionOptions {
  readonly url: URL;
  /** Extra request headers (credentials included); never logged. */
  readonly headers: Readonly<Record<string, string>>;
  readonly backoff: BackoffOptions;
  readonly log: Logger;
  /** OAuth for servers that require it: its headers go on every request. */
  readonly oauth?: RemoteOAuth;
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
      });
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

  private emitEvent(event: EventSourceMessage): JSONRPCMessage | undefined {
    const { message, problem } = messageOf(event);
    if (message) this.emit(message);
    else if (problem) this.options.log.warn(`the remote MCP server sent ${problem}; dropped`);
    return message;
  }
}
