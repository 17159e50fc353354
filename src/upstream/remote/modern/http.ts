// The HTTP side of a 2026-07-28 remote: one POST per request, JSON or event-stream answers.
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { ReadableStream } from 'node:stream/web';
import type { Response } from 'undici';
import { isJsonRpcMessage, isResponse } from '../../../shared/jsonrpc.js';
import { mediaTypeOf } from '../../../shared/mediaType.js';
import { standardHeaders } from './mcpHeaders.js';
import { MODERN_VERSION } from '../../../shared/modernWire.js';
import { metaVersion, type RpcRequest } from './meta.js';
import { ConnectionBase } from '../connection.js';
import { ensureOk, fetchRemote, RemoteFailure } from '../failure.js';

/** A request the server took: its answer arrives later (a JSON body, or the end of an event stream). */
export interface Taken {
  readonly answer: Promise<JSONRPCMessage>;
}

/**
 * One POST per request to a 2026-07-28 (stateless) server: no session, no GET stream. Every request
 * carries `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` and any extra headers; the answer comes as
 * JSON or at the end of the request's event stream, whose other messages (progress, logs) are emitted.
 * A JSON-RPC error sent with a 4xx status is an answer too, not a transport failure.
 */
export class ModernHttp extends ConnectionBase {
  private readonly answers = new Map<RequestId, (message: JSONRPCMessage) => void>();

  /** POSTs one request; resolves once the server took it, rejects with a RemoteFailure when it did not. */
  async post(request: RpcRequest, extraHeaders: Record<string, string>, signal?: AbortSignal): Promise<Taken> {
    const headers = await this.requestHeaders({
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': metaVersion(request) ?? MODERN_VERSION,
      ...standardHeaders(request.method, request.params),
      ...extraHeaders,
    });
    const signals = signal ? AbortSignal.any([signal, this.sendAborter.signal]) : this.sendAborter.signal;
    const response = await fetchRemote(this.options.url, { method: 'POST', headers, body: JSON.stringify(request), signal: signals });
    const type = mediaTypeOf(response.headers.get('content-type'));
    if (!response.ok && (response.status >= 500 || response.status === 401 || response.status === 403 || type !== 'application/json')) {
      await ensureOk(response, false);
    }
    if (type === 'application/json') return { answer: this.readJson(response, request.id) };
    if (type === 'text/event-stream') return { answer: this.readEvents(response, request.id) };
    await response.body?.cancel();
    throw new RemoteFailure('rejected', `the server answered with ${type ?? 'no content type'} instead of JSON or an event stream`, response.status);
  }

  /** Stops every stream and every POST in flight. */
  close(): void {
    this.stop(true);
  }

  // An answer to a request being awaited goes to its waiter, not to the desktop client.
  protected override emit(message: JSONRPCMessage): void {
    const waiter = isResponse(message) ? this.answers.get(message.id) : undefined;
    if (waiter) waiter(message);
    else super.emit(message);
  }

  private async readJson(response: Response, id: RequestId): Promise<JSONRPCMessage> {
    const { value: body, tooLarge } = await this.readJsonBody(response);
    if (tooLarge) return this.tooLargeAnswer(id);
    const messages = [body].flat().filter(isJsonRpcMessage);
    const answer = messages.find((message) => !('method' in message) && (message.id === id || (message.id === null && !response.ok)));
    for (const message of messages) if (message !== answer) this.emit(message);
    if (!answer) throw new RemoteFailure(response.ok ? 'broken' : 'rejected', `the server's JSON answer (HTTP ${response.status}) holds no response to the request`, response.status);
    return { ...answer, id } as JSONRPCMessage;
  }

  private async readEvents(response: Response, id: RequestId): Promise<JSONRPCMessage> {
    let answer: JSONRPCMessage | undefined;
    this.answers.set(id, (message) => (answer = message));
    try {
      const outcome = await this.readStream(response.body as ReadableStream<Uint8Array> | null, () => {});
      if (answer) return answer;
      throw outcome.failure ?? new RemoteFailure('broken', 'the server ended the stream before answering');
    } finally {
      this.answers.delete(id);
    }
  }
}
