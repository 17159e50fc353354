// A connection to a legacy SSE (2024-11-05) remote: the SSE GET, the endpoint event, and POSTs to
// it.
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ReadableStream } from 'node:stream/web';
import { backoffDelay, pause } from './backoff.js';
import { ConnectionBase, type RemoteConnection, type StreamOutcome } from './connection.js';
import { ensureOk, failureForError, fetchRemote, RemoteFailure } from './failure.js';

// How long a server may take to announce its message endpoint after the stream opens.
const ENDPOINT_TIMEOUT_MS = 30_000;
// How long a POST may wait for its HTTP answer: a legacy SSE server answers 202 at once (the result comes
// on the stream, however long the tool runs); one that restarted may never answer a POST to the old session.
const POST_ANSWER_TIMEOUT_MS = 10_000;

/**
 * A legacy HTTP+SSE session (spec 2024-11-05): `GET` the SSE URL, wait for the `endpoint` event,
 * `POST` messages there, and read every server message from the stream. A broken stream is
 * reopened with backoff (the server's `retry:` and `Last-Event-ID` honoured); when the server
 * announces a different endpoint, the old session is gone and the connection reports itself down.
 */
export class LegacySseConnection extends ConnectionBase implements RemoteConnection {
  private endpoint: URL | undefined;
  private lastEventId: string | undefined;

  async open(): Promise<void> {
    this.endpoint = await this.subscribe();
    this.options.log.debug('the remote announced its message endpoint', { path: this.endpoint.pathname });
  }

  setProtocolVersion(): void {
    // Legacy SSE has no protocol version header.
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!this.endpoint) throw new RemoteFailure('unreachable', 'the event stream is not open');
    const timeout = AbortSignal.timeout(POST_ANSWER_TIMEOUT_MS);
    let response;
    try {
      response = await fetchRemote(this.endpoint, {
        method: 'POST',
        headers: await this.requestHeaders({ 'content-type': 'application/json' }),
        body: JSON.stringify(message),
        signal: AbortSignal.any([this.sendAborter.signal, timeout]),
      });
    } catch (error) {
      // No answer at all: the server did not take the message, and its session is as good as gone.
      if (timeout.aborted) throw new RemoteFailure('sessionLost', `the server did not answer the POST within ${POST_ANSWER_TIMEOUT_MS / 1000} s`);
      throw error;
    }
    await (await ensureOk(response, true)).body?.cancel();
  }

  async close(endSession: boolean): Promise<void> {
    // Closing the stream is how a legacy client ends its session.
    this.stop(endSession);
  }

  /** Opens the event stream and resolves with the message endpoint it announces. */
  private async subscribe(): Promise<URL> {
    const resume: Record<string, string> = this.lastEventId ? { 'last-event-id': this.lastEventId } : {};
    const response = await ensureOk(
      await fetchRemote(this.options.url, {
        method: 'GET',
        headers: await this.requestHeaders({ accept: 'text/event-stream', ...resume }),
        signal: this.aborter.signal,
      }),
      false,
    );
    return new Promise<URL>((resolve, reject) => {
      let announced = false;
      const timer = setTimeout(() => reject(new RemoteFailure('broken', 'the server announced no message endpoint')), ENDPOINT_TIMEOUT_MS);
      const read = this.readStream(response.body as ReadableStream<Uint8Array> | null, (event) => {
        if (event.id) this.lastEventId = event.id;
        if (event.event !== 'endpoint' || announced) return;
        announced = true;
        clearTimeout(timer);
        try {
          resolve(this.endpointUrl(event.data));
        } catch (error) {
          reject(failureForError(error));
        }
      });
      void read.then((outcome) => {
        clearTimeout(timer);
        if (!announced) reject(outcome.failure ?? new RemoteFailure('broken', 'the stream ended before announcing the message endpoint'));
        else void this.reconnect(outcome);
      });
    });
  }

  /** The endpoint a server announced, which must be on the SSE URL's origin (credentials go there). */
  private endpointUrl(data: string): URL {
    const endpoint = new URL(data.trim(), this.options.url);
    if (endpoint.origin !== this.options.url.origin) throw new RemoteFailure('rejected', `the server announced an endpoint on another origin (${endpoint.origin})`);
    return endpoint;
  }

  /** Reopens a broken stream; the same endpoint means the session survived, another means it is gone. */
  private async reconnect(outcome: StreamOutcome): Promise<void> {
    if (this.closed) return;
    let failure = outcome.failure ?? new RemoteFailure('broken', 'the server ended the event stream');
    this.options.log.warn('the remote MCP server\'s event stream broke; reconnecting', { error: failure.message });
    for (let attempt = 0; attempt < this.options.backoff.attempts; attempt++) {
      await pause(backoffDelay(attempt, this.options.backoff, this.serverRetryMs), this.aborter.signal);
      if (this.closed) return;
      try {
        const endpoint = await this.subscribe();
        if (endpoint.href === this.endpoint?.href) return this.options.log.info('reconnected to the remote MCP server; the session survived');
        return this.down(new RemoteFailure('sessionLost', 'the server started a new session (it restarted)'));
      } catch (error) {
        failure = failureForError(error);
        if (failure.kind === 'unauthorized' || failure.kind === 'rejected') break;
      }
    }
    this.down(failure);
  }

  private down(failure: RemoteFailure): void {
    if (this.closed) return;
    // POSTs still waiting on the old session will never be answered: they end now, and are sent to the new one.
    this.stop(true);
    this.ondown?.(failure);
  }
}
