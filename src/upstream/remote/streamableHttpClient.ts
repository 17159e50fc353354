// A connection to a session-era Streamable HTTP remote: POSTs with their answer streams, the GET
// stream and resumption.
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { ReadableStream } from 'node:stream/web';
import type { Response } from 'undici';
import { isJsonRpcMessage, isRequest } from '../../shared/jsonrpc.js';
import { mediaTypeOf } from '../../shared/mediaType.js';
import { backoffDelay, pause } from './backoff.js';
import { ConnectionBase, type RemoteConnection } from './connection.js';
import { ensureOk, fetchRemote, RemoteFailure } from './failure.js';

/** One event stream being followed: a POST's answer stream, or the standalone GET stream. */
interface FollowedStream {
  /** The request whose answer ends this stream; undefined for the GET stream. */
  readonly awaiting: RequestId | undefined;
  lastEventId?: string;
  answered: boolean;
}

const DELETE_TIMEOUT_MS = 5_000;

/**
 * A Streamable HTTP session (spec 2025-03-26 and later) built on fetch, so that the bridge sees
 * what the SDK's client transport hides: a request stream that ends without its answer. Broken
 * streams that carried an event id are resumed with GET and `Last-Event-ID` after the server's
 * `retry:` delay or capped, jittered backoff; those that cannot be resumed are reported as lost.
 */
export class StreamableHttpConnection extends ConnectionBase implements RemoteConnection {
  private sessionId: string | undefined;
  private protocolVersion: string | undefined;
  private standalone: 'idle' | 'open' | 'unsupported' = 'idle';
  private initialized = false;
  /** Whether the server ever opened the GET stream for this session. */
  private standaloneGranted = false;

  async open(): Promise<void> {
    // Nothing to open before the first POST: the session starts with initialize.
  }

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const hadSession = this.sessionId !== undefined;
    const response = await ensureOk(
      await fetchRemote(this.options.url, {
        method: 'POST',
        headers: await this.headers({ 'content-type': 'application/json', accept: 'application/json, text/event-stream' }),
        body: JSON.stringify(message),
        signal: this.sendAborter.signal,
      }),
      hadSession,
    );
    this.sessionId = response.headers.get('mcp-session-id') ?? this.sessionId;
    if ('method' in message && message.method === 'notifications/initialized') this.initialized = true;
    if (isRequest(message)) await this.takeAnswer(response, message.id);
    else await response.body?.cancel();
    // The GET stream carries server messages unrelated to any request; (re)open it once the session is ready.
    if (this.initialized && this.standalone === 'idle') void this.follow({ awaiting: undefined, answered: false }, undefined);
  }

  async close(endSession: boolean): Promise<void> {
    if (this.closed) return;
    this.stop(endSession);
    if (!endSession || !this.sessionId) return;
    const response = await fetchRemote(this.options.url, {
      method: 'DELETE',
      headers: await this.headers({}),
      signal: AbortSignal.timeout(DELETE_TIMEOUT_MS),
    }).catch((error: Error) => this.options.log.debug('could not end the remote session', { error: error.message }));
    await response?.body?.cancel();
  }

  private headers(extra: Record<string, string>): Promise<Record<string, string>> {
    const session: Record<string, string> = {};
    if (this.sessionId) session['mcp-session-id'] = this.sessionId;
    if (this.protocolVersion) session['mcp-protocol-version'] = this.protocolVersion;
    return this.requestHeaders({ ...session, ...extra });
  }

  /** Reads a request's answer: one JSON body, or an event stream followed until the answer arrives. */
  private async takeAnswer(response: Response, id: RequestId): Promise<void> {
    const type = mediaTypeOf(response.headers.get('content-type'));
    if (type === 'text/event-stream') {
      void this.follow({ awaiting: id, answered: false }, response.body as ReadableStream<Uint8Array> | null);
      return;
    }
    if (type === 'application/json') {
      const { value: body, tooLarge } = await this.readJsonBody(response);
      if (tooLarge) return this.emit(this.tooLargeAnswer(id));
      const messages = [body].flat().filter(isJsonRpcMessage);
      messages.forEach((message) => this.emit(message));
      if (!messages.some((message) => !('method' in message) && message.id === id)) {
        throw new RemoteFailure('broken', 'the server\'s JSON answer holds no response to the request');
      }
      return;
    }
    await response.body?.cancel();
    throw new RemoteFailure('rejected', `the server answered with ${type ?? 'no content type'} instead of JSON or an event stream`, response.status);
  }

  /**
   * Follows one stream until its request is answered, resuming it after breaks; `body` is the
   * stream already open, if any. Backoff restarts whenever a stream delivers events.
   */
  private async follow(stream: FollowedStream, body: ReadableStream<Uint8Array> | null | undefined): Promise<void> {
    if (stream.awaiting === undefined) this.standalone = 'open';
    let failures = 0;
    let lastFailure: RemoteFailure | undefined;
    // The GET stream's first opening is not a retry: no wait before it.
    let wait = body !== undefined;
    while (!this.closed) {
      if (body !== undefined) {
        const outcome = await this.readStream(body, (event, message) => {
          if (event.id) stream.lastEventId = event.id;
          if (message && !('method' in message) && message.id === stream.awaiting) stream.answered = true;
        });
        if (stream.answered || this.closed) return;
        if (outcome.delivered) failures = 0;
        lastFailure = outcome.failure ?? new RemoteFailure('broken', 'the server ended the stream before answering');
      }
      const canResume = stream.awaiting === undefined || stream.lastEventId !== undefined;
      if (!canResume || failures >= this.options.backoff.attempts) return this.giveUp(stream, lastFailure);
      if (wait) await pause(backoffDelay(failures, this.options.backoff, this.serverRetryMs), this.aborter.signal);
      wait = true;
      failures++;
      body = await this.reopen(stream).catch((failure: RemoteFailure) => {
        lastFailure = failure;
        return failure.kind === 'unreachable' || failure.kind === 'broken' ? undefined : null;
      });
      if (body === null) return this.giveUp(stream, lastFailure);
    }
  }

  /** GETs the stream again, resuming after its last event when it had one. */
  private async reopen(stream: FollowedStream): Promise<ReadableStream<Uint8Array> | null> {
    const resume: Record<string, string> = stream.lastEventId ? { 'last-event-id': stream.lastEventId } : {};
    const response = await fetchRemote(this.options.url, {
      method: 'GET',
      headers: await this.headers({ accept: 'text/event-stream', ...resume }),
      signal: this.aborter.signal,
    });
    // A 404 on a GET stream the server never granted means "no GET stream", not a lost session:
    // reading it as a lost session would re-initialize in a loop against such a server.
    const standaloneRefused = stream.awaiting === undefined && !this.standaloneGranted;
    await ensureOk(response, this.sessionId !== undefined && !standaloneRefused);
    if (stream.awaiting === undefined) this.standaloneGranted = true;
    return response.body as ReadableStream<Uint8Array> | null;
  }

  private giveUp(stream: FollowedStream, failure = new RemoteFailure('broken', 'the stream ended')): void {
    if (this.closed) return;
    // A server that refuses the GET stream (405 or another 4xx) has none; one that is down gets it back with the next request.
    if (stream.awaiting === undefined) this.standalone = failure.kind === 'rejected' ? 'unsupported' : 'idle';
    if (failure.kind === 'sessionLost') return this.ondown?.(failure);
    if (stream.awaiting !== undefined) return this.onlost?.([stream.awaiting], failure);
    if (failure.kind === 'rejected') this.options.log.debug('the remote MCP server offers no GET stream', { status: failure.status });
    else this.options.log.warn('the remote MCP server\'s event stream is down; it reopens with the next request', { error: failure.message });
  }
}
