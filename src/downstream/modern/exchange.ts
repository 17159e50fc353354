// One 2026-07-28 HTTP exchange against a session-era server: the request, its input rounds and the
// HTTP status of its answer.
import type { ServerResponse } from 'node:http';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { ProtocolErrorCode, SUBSCRIPTION_ID_META_KEY } from '@modelcontextprotocol/server';
import { HEADER_MISMATCH } from '../../shared/modernWire.js';
import { wireForm } from '../../shared/jsonrpc.js';
import { withId } from '../../shared/rawMessage.js';
import { writeJsonBody } from '../jsonBody.js';
import { SseStream } from '../sseStream.js';

type Params = Record<string, unknown>;
type Message = JSONRPCMessage & { id: RequestId; method?: string; params?: Params };

const badRequestCodes = new Set<number>([ProtocolErrorCode.MissingRequiredClientCapability, ProtocolErrorCode.UnsupportedProtocolVersion, HEADER_MISMATCH]);

/** The HTTP status for a server's JSON-RPC error as the 2026-07-28 HTTP binding has it (in-band errors are 200). */
export function statusForError(code: number): number {
  if (code === ProtocolErrorCode.MethodNotFound) return 404;
  return badRequestCodes.has(code) ? 400 : 200;
}

/**
 * One 2026-07-28 request passed through to a shared server, and its HTTP response: the request
 * goes out with a bridge-unique id (and progress token), and everything routed back here is
 * restored to the client's own id and token. Notifications turn the response into an SSE stream
 * when the client accepts one; the answer alone goes out as JSON with the binding's status.
 */
export class ModernExchange {
  /** The request as the server gets it. */
  readonly outbound: JSONRPCMessage;
  /** The progress token the server sees, when the client asked for progress. */
  readonly bridgeToken: string | undefined;
  readonly isListen: boolean;
  /** The client's method and params, as it sent them. */
  readonly method: string | undefined;
  readonly params: Params | undefined;
  /** Called when the client goes away before the answer. */
  onabandon?: () => void;

  private readonly clientId: RequestId;
  private readonly clientToken: unknown;
  private readonly acceptsStream: boolean;
  private stream: SseStream | undefined;
  private done = false;

  constructor(
    message: Message,
    bridgeId: string,
    request: Request,
    private readonly res: ServerResponse,
    private readonly keepaliveMs: number,
  ) {
    this.clientId = message.id;
    this.method = message.method;
    this.params = message.params;
    this.isListen = message.method === 'subscriptions/listen';
    const params = { ...(message.params ?? {}) };
    const meta = { ...((params._meta as Params | undefined) ?? {}) };
    this.clientToken = meta.progressToken;
    if (meta.progressToken !== undefined) meta.progressToken = this.bridgeToken = `${bridgeId}-progress`;
    this.outbound = { ...message, id: bridgeId, params: { ...params, _meta: meta } } as JSONRPCMessage;
    this.acceptsStream = (request.headers.get('accept') ?? '').includes('text/event-stream');
    res.once('close', () => {
      if (this.done) return;
      this.done = true;
      this.onabandon?.();
    });
    if (this.isListen) this.openStream();
  }

  /** Passes a notification to the client (dropped when the client takes JSON only). */
  notify(message: JSONRPCMessage & { params?: Params }): void {
    if (this.done || !this.acceptsStream) return;
    const params = { ...(message.params ?? {}) };
    if (this.bridgeToken !== undefined && params.progressToken === this.bridgeToken) params.progressToken = this.clientToken;
    const meta = params._meta as Params | undefined;
    if (meta?.[SUBSCRIPTION_ID_META_KEY] !== undefined) params._meta = { ...meta, [SUBSCRIPTION_ID_META_KEY]: this.clientId };
    this.openStream().event(JSON.stringify({ ...message, params }));
  }

  /** Delivers the server's answer under the client's id and ends the response. */
  answer(message: JSONRPCMessage & { id: RequestId }): void {
    if (this.done) return;
    this.done = true;
    // A large answer read as its bytes goes out as them, with the client's id spliced in (see rawMessage.ts).
    const body = wireForm(withId(message, this.clientId));
    if (this.stream) return this.stream.end(body);
    const status = 'error' in message ? statusForError((message.error as { code: number }).code) : 200;
    writeJsonBody(this.res, [body], {}, status);
  }

  private openStream(): SseStream {
    return (this.stream ??= new SseStream(this.res, { keepaliveMs: this.keepaliveMs }));
  }
}
