// The transport of one Streamable HTTP session: answer streams per POST, the standalone GET stream,
// and resumption.
import type { ServerResponse } from 'node:http';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { heldUuid } from '../../shared/heldUuid.js';
import { isRequest, isResponse, wireForm } from '../../shared/jsonrpc.js';
import { writeJsonError, type BridgeErrorCode } from '../../shared/errors.js';
import type { BoundedEventStore } from './eventStore.js';
import { SseStream, type EventData } from '../sseStream.js';
import { writeJsonBody } from '../jsonBody.js';
import type { NewSessionId } from '../sessionIds.js';

/** The stream id of the standalone GET stream in event ids. */
const standaloneStreamId = '_GET_stream';
/** The first protocol version whose clients accept an event without data, the priming event. */
const primingSince = '2025-11-25';

/** Options for one Streamable HTTP session. */
export interface StreamableHttpSessionOptions {
  /** Interval of `: keepalive` comments on every stream; 0 disables them. */
  keepaliveMs: number;
  /** Answer POSTs with plain JSON instead of an event stream. */
  jsonResponse: boolean;
  /** Keeps what was sent, for clients resuming with Last-Event-ID. */
  events: BoundedEventStore;
  /** Reconnect delay told to resuming clients in priming events. */
  retryMs: number;
  /** Mints the session's id (default: a random UUID). */
  newSessionId?: NewSessionId;
}

/** Where the answers to one POST go: an event stream, or one JSON body once all are in. */
interface AnswerChannel {
  readonly streamId: string;
  /** How many of its requests are still unanswered (each id counted once). */
  pending: number;
  /** The live event stream (SSE mode); replaced when the client resumes it. */
  sse?: SseStream;
  /** The waiting response and the answers so far (JSON mode). */
  json?: { res: ServerResponse; answers: EventData[] };
}

/**
 * The server side of one Streamable HTTP session (spec 2025-03-26 to 2025-11-25) on plain node:http:
 * each POST holding requests gets its answers on its own event stream (or as one JSON body), other
 * server messages take the standalone GET stream, and every event is kept for Last-Event-ID
 * resumption. Requests arrive already checked by StreamableHttpEndpoint.
 */
export class StreamableHttpSessionTransport implements Transport {
  readonly sessionId: string;
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;

  private readonly channels = new Map<string, AnswerChannel>();
  private readonly channelOfRequest = new Map<RequestId, AnswerChannel>();
  private standalone: SseStream | undefined;
  private closed = false;
  /** The last answer stream's number: stream ids need only be unique within the session's event store. */
  private lastStreamId = 0;
  /** The session's own headers on each of its streams: one object, so that SseStream merges them once. */
  private readonly streamHeaders: Readonly<Record<string, string>>;

  constructor(private readonly options: StreamableHttpSessionOptions) {
    this.sessionId = (options.newSessionId ?? heldUuid)();
    this.streamHeaders = { 'mcp-session-id': this.sessionId };
  }

  async start(): Promise<void> {}

  /** Takes a POST's messages: 202 when they hold no request, else a channel for the answers. */
  post(res: ServerResponse, messages: JSONRPCMessage[], protocolVersion: string): void {
    const requests = messages.filter(isRequest);
    if (requests.length === 0) {
      res.writeHead(202).end();
    } else {
      const channel = this.openChannel(res, requests.map((request) => request.id), protocolVersion);
      for (const request of requests) this.channelOfRequest.set(request.id, channel);
    }
    for (const message of messages) this.onmessage?.(message);
  }

  /** Opens the standalone stream, or resumes a stream after `lastEventId`; returns why not, if it cannot. */
  get(res: ServerResponse, lastEventId: string | undefined): BridgeErrorCode | undefined {
    if (lastEventId !== undefined) return this.resume(res, lastEventId);
    if (this.standalone?.isOpen) return 'STREAM_CONFLICT';
    this.standalone = this.stream(res);
    return undefined;
  }

  /** True while the client holds a stream the server could write to: the GET stream, or a POST's stream still open. */
  get holdsStream(): boolean {
    if (this.standalone?.isOpen) return true;
    for (const channel of this.channelOfRequest.values()) if (channel.sse?.isOpen) return true;
    return false;
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (this.closed) throw new Error('the session is closed');
    const answered = isResponse(message) ? message.id : undefined;
    const related = answered ?? options?.relatedRequestId;
    const channel = related === undefined ? undefined : this.channelOfRequest.get(related);
    const data = wireForm(message);
    if (!channel) {
      if (answered !== undefined) throw new Error(`no request ${JSON.stringify(answered)} awaits an answer in this session`);
      // A server request no open stream can carry would wait for ever: refused here, the relay answers the server at once.
      if (isRequest(message) && !this.standalone?.isOpen) throw new Error('the client has no stream open (no GET stream, nothing in flight) to carry a server request');
      return this.standalone?.event(data, this.options.events.store(standaloneStreamId, data));
    }
    if (answered !== undefined) this.settle(channel, answered);
    if (channel.json) return this.collect(channel, answered, data);
    const eventId = this.options.events.store(channel.streamId, data);
    if (channel.pending > 0 || answered === undefined) return channel.sse?.event(data, eventId);
    channel.sse?.end(data, eventId);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.standalone?.end();
    for (const channel of this.channels.values()) {
      channel.sse?.end();
      if (channel.json) writeJsonError(channel.json.res, 'SESSION_CLOSED');
    }
    this.channels.clear();
    this.channelOfRequest.clear();
    this.onclose?.();
  }

  private openChannel(res: ServerResponse, ids: RequestId[], protocolVersion: string): AnswerChannel {
    const pending = ids.length === 1 ? 1 : new Set(ids).size;
    const channel: AnswerChannel = { streamId: String(++this.lastStreamId), pending };
    this.channels.set(channel.streamId, channel);
    if (this.options.jsonResponse) {
      channel.json = { res, answers: [] };
      return channel;
    }
    // The priming event gives the client an event id to resume from before any answer exists: it
    // goes out at once, with the headers and in the same write, so that a stream lost at any time can resume.
    const priming = protocolVersion >= primingSince ? `id: ${this.options.events.mark(channel.streamId)}\nretry: ${this.options.retryMs}\ndata: \n\n` : undefined;
    channel.sse = this.stream(res, priming);
    return channel;
  }

  private resume(res: ServerResponse, lastEventId: string): BridgeErrorCode | undefined {
    const streamId = this.options.events.streamOf(lastEventId);
    if (streamId === undefined) return 'EVENT_ID_UNKNOWN';
    const channel = this.channels.get(streamId);
    const live = streamId === standaloneStreamId ? this.standalone : channel?.sse;
    if (live?.isOpen) return 'STREAM_CONFLICT';
    const sse = this.stream(res);
    for (const event of this.options.events.eventsAfter(lastEventId)) sse.event(event.data, event.id);
    if (streamId === standaloneStreamId) this.standalone = sse;
    else if (channel && !channel.json) channel.sse = sse;
    // Every answer of that stream was sent and is replayed above: nothing more will come.
    else sse.end();
    return undefined;
  }

  private stream(res: ServerResponse, opening?: string): SseStream {
    return new SseStream(res, { keepaliveMs: this.options.keepaliveMs, headers: this.streamHeaders, opening });
  }

  private settle(channel: AnswerChannel, id: RequestId): void {
    channel.pending--;
    this.channelOfRequest.delete(id);
    if (channel.pending === 0) this.channels.delete(channel.streamId);
  }

  /** JSON mode: collects answers (other messages take the standalone stream) and sends them all at once. */
  private collect(channel: AnswerChannel, answered: RequestId | undefined, data: EventData): void {
    const json = channel.json!;
    if (answered === undefined) return;
    json.answers.push(data);
    if (channel.pending > 0 || json.res.destroyed) return;
    writeJsonBody(json.res, json.answers, this.streamHeaders);
  }
}
