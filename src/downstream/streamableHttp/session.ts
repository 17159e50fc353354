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
/**
 * How long the answer stream of a POST without a priming event holds its headers when keep-alives
 * are off (with them on: one keep-alive interval, when the first comment would be due). A short
 * hold would need a timer armed during nearly every call, and on our VM a timer due within
 * milliseconds made every wait of the event loop cost ~25 µs more; one due in seconds costs nothing.
 */
const quietHoldMs = 15_000;
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
  readonly pending: Set<RequestId>;
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

  constructor(private readonly options: StreamableHttpSessionOptions) {
    this.sessionId = (options.newSessionId ?? heldUuid)();
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
    if (answered !== undefined && channel.pending.size === 0 && typeof data === 'string' && channel.sse?.untouched) {
      // The whole exchange is this one answer, within the hold: one JSON body, which the client
      // accepts (checked on the POST) and which leaves nothing to resume, so nothing is stored.
      return writeJsonBody(channel.sse.takeOver(), [data], { 'mcp-session-id': this.sessionId });
    }
    const eventId = this.options.events.store(channel.streamId, data);
    if (channel.pending.size > 0 || answered === undefined) return channel.sse?.event(data, eventId);
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
    const channel: AnswerChannel = { streamId: String(++this.lastStreamId), pending: new Set(ids) };
    this.channels.set(channel.streamId, channel);
    if (this.options.jsonResponse) {
      channel.json = { res, answers: [] };
      return channel;
    }
    if (protocolVersion >= primingSince) {
      // The priming event gives the client an event id to resume from before any answer exists:
      // it goes out at once, with the headers, so that a connection lost at any time can resume.
      const priming = `id: ${this.options.events.mark(channel.streamId)}\nretry: ${this.options.retryMs}\ndata: \n\n`;
      channel.sse = this.stream(res, 0, priming);
    } else {
      // Nothing to resume from before a first event: the stream is held until its first frame or
      // its end (a lone answer then goes out as one JSON body), or until a keep-alive would be due.
      channel.sse = this.stream(res, this.options.keepaliveMs || quietHoldMs);
    }
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

  private stream(res: ServerResponse, holdMs = 0, opening?: string): SseStream {
    return new SseStream(res, { keepaliveMs: this.options.keepaliveMs, headers: { 'mcp-session-id': this.sessionId }, holdMs, opening });
  }

  private settle(channel: AnswerChannel, id: RequestId): void {
    channel.pending.delete(id);
    this.channelOfRequest.delete(id);
    if (channel.pending.size === 0) this.channels.delete(channel.streamId);
  }

  /** JSON mode: collects answers (other messages take the standalone stream) and sends them all at once. */
  private collect(channel: AnswerChannel, answered: RequestId | undefined, data: EventData): void {
    const json = channel.json!;
    if (answered === undefined) return;
    json.answers.push(data);
    if (channel.pending.size > 0 || json.res.destroyed) return;
    writeJsonBody(json.res, json.answers, { 'mcp-session-id': this.sessionId });
  }
}
