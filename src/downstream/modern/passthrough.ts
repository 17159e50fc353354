// 2026-07-28 requests passed unchanged to one shared 2026-07-28 stdio server, with ids remapped so
// that concurrent clients never meet.
import type { ServerResponse } from 'node:http';
import { classifyInboundRequest, PROTOCOL_VERSION_META_KEY, ProtocolErrorCode, SUBSCRIPTION_ID_META_KEY } from '@modelcontextprotocol/server';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { Upstream, UpstreamFactory } from '../../core/gateway.js';
import { isResponse } from '../../shared/jsonrpc.js';
import { rpcError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log.js';
import { bridgeClientInfo, MODERN_VERSION, modernEnvelope, removedInModern } from '../../shared/modernWire.js';
import { ModernExchange } from './exchange.js';
import { ParamHeaderGate } from './paramHeaderGate.js';
import { checkStandardHeaders } from './headers.js';
import { writeRpcError } from './webExchange.js';

type Params = Record<string, unknown>;
type Message = JSONRPCMessage & { id?: RequestId; method?: string; params?: Params };
type Answer = JSONRPCMessage & ({ result: Params } | { error: { code: number; message: string } });


/**
 * 2026-07-28 requests passed unchanged to one shared 2026-07-28 stdio server: the bridge checks
 * the HTTP side (standard headers against the body, the `_meta` envelope) with the SDK's
 * classifier, then sends the request with a bridge-unique id and progress token and routes what
 * comes back by them: answers and progress to their request, listen-stream notifications by
 * subscription id. No translation. The server is started again if it ends. tools/call requests
 * are also checked for the `Mcp-Param-*` headers the tools' `x-mcp-header` annotations call for.
 */
export class ModernPassthrough {
  private upstream: Upstream | undefined;
  private readonly exchanges = new Map<string, ModernExchange>();
  /** The bridge's own requests to the server, by id. */
  private readonly asked = new Map<string, { resolve(answer: Answer): void; reject(error: Error): void }>();
  private readonly gate: ParamHeaderGate;
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly factory: UpstreamFactory,
    /** The revisions the server listed in its server/discover answer. */
    private readonly supportedVersions: readonly string[],
    private readonly keepaliveMs: number,
    private readonly log: Logger,
  ) {
    this.gate = new ParamHeaderGate((cursor) => this.listTools(cursor), log);
  }

  /** Serves one 2026-07-28 POST. */
  async serve(request: Request, body: unknown, res: ServerResponse): Promise<void> {
    const verdict = classifyInboundRequest({
      httpMethod: request.method,
      protocolVersionHeader: request.headers.get('mcp-protocol-version') ?? undefined,
      mcpMethodHeader: request.headers.get('mcp-method') ?? undefined,
      mcpNameHeader: request.headers.get('mcp-name') ?? undefined,
      body,
    });
    const id = (body as Message | undefined)?.id ?? null;
    if (verdict.kind === 'reject') return writeRpcError(res, verdict.httpStatus, id, { code: verdict.code, message: verdict.message, ...(verdict.data !== undefined && { data: verdict.data }) });
    if (verdict.kind === 'legacy') return writeRpcError(res, 400, id, { code: ProtocolErrorCode.InvalidRequest, message: 'Not a 2026-07-28 request' });
    const message = verdict.message as Message;
    const refusal = this.refusal(request.headers, message) ?? (await this.gate.refusal(request.headers, message.method ?? '', message.params));
    if (refusal) {
      const { status = 400, ...error } = refusal as typeof refusal & { status?: number };
      return writeRpcError(res, status, id, error);
    }
    const upstream = await this.child();
    if (verdict.messageKind === 'notification') {
      await upstream.transport.send(verdict.message as JSONRPCMessage).catch(() => {});
      res.writeHead(202).end();
      return;
    }
    const bridgeId = `m-${++this.nextId}`;
    const exchange = new ModernExchange(verdict.message as Message & { id: RequestId }, bridgeId, request, res, this.keepaliveMs);
    this.exchanges.set(bridgeId, exchange);
    exchange.onabandon = () => {
      this.exchanges.delete(bridgeId);
      const cancel = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: bridgeId, reason: 'the client went away' } };
      void upstream.transport.send(cancel as JSONRPCMessage).catch(() => {});
    };
    await upstream.transport.send(exchange.outbound).catch((error: Error) => this.finish(bridgeId, { code: -32000, message: `could not reach the MCP server: ${error.message}` }));
  }

  /**
   * What the bridge refuses before the server sees it: standard headers that disagree with the
   * body (HTTP is the bridge's business), and revisions the server did not list in discovery
   * (a stdio server checks the revision once per connection, not per request).
   */
  private refusal(headers: Headers, message: Message): { code: number; message: string; data?: unknown; status?: number } | undefined {
    if (message.id !== undefined && removedInModern.has(message.method ?? '')) {
      return { status: 404, code: ProtocolErrorCode.MethodNotFound, message: `Method not found: ${message.method} is not part of protocol revision ${MODERN_VERSION}` };
    }
    const mismatch = checkStandardHeaders(headers, message.method ?? '', message.params);
    if (mismatch) return mismatch;
    const requested = (message.params?._meta as Params | undefined)?.[PROTOCOL_VERSION_META_KEY];
    if (typeof requested === 'string' && !this.supportedVersions.includes(requested)) {
      return { code: ProtocolErrorCode.UnsupportedProtocolVersion, message: `Unsupported protocol version: ${requested}`, data: { supported: this.supportedVersions, requested } };
    }
    return undefined;
  }

  /** One page of the server's tools, asked by the bridge itself (for the Mcp-Param check). */
  private async listTools(cursor: string | undefined): Promise<Params> {
    const answer = await this.ask('tools/list', { ...(cursor !== undefined && { cursor }), _meta: modernEnvelope({ clientInfo: bridgeClientInfo, capabilities: {} }) });
    if ('error' in answer) throw new Error(`the server refused tools/list: ${answer.error.message}`);
    return answer.result;
  }

  /** Sends a request of the bridge's own to the server and resolves with its answer. */
  private async ask(method: string, params: Params): Promise<Answer> {
    const upstream = await this.child();
    const id = `m-bridge-${++this.nextId}`;
    return new Promise((resolve, reject) => {
      this.asked.set(id, { resolve, reject });
      upstream.transport.send({ jsonrpc: '2.0', id, method, params } as JSONRPCMessage).catch((error: Error) => {
        this.asked.delete(id);
        reject(error);
      });
    });
  }

  /** Stops the server; requests in flight are answered with an error. */
  close(): void {
    this.closed = true;
    void this.upstream?.transport.close();
  }

  /** The shared server, started on first use and again after it ended. */
  private async child(): Promise<Upstream> {
    if (this.upstream) return this.upstream;
    if (this.closed) throw new Error('shutting down');
    const upstream = this.factory(this.log.child({ transport: 'stateless' }));
    upstream.transport.onmessage = (message) => this.fromServer(message as Message);
    upstream.transport.onclose = () => {
      if (this.upstream === upstream) this.upstream = undefined;
      const reason = upstream.explainClose();
      for (const bridgeId of [...this.exchanges.keys()]) this.finish(bridgeId, rpcError(reason.code, reason.detail));
      for (const { reject } of this.asked.values()) reject(new Error(`the server ended (${reason.detail ?? reason.code})`));
      this.asked.clear();
    };
    this.upstream = upstream;
    await upstream.transport.start();
    return upstream;
  }

  private fromServer(message: Message): void {
    if (isResponse(message)) {
      const asked = this.asked.get(String(message.id));
      this.asked.delete(String(message.id));
      if (asked) return asked.resolve(message as Answer);
      const exchange = this.exchanges.get(String(message.id));
      this.exchanges.delete(String(message.id));
      if (exchange?.method === 'tools/list' && 'result' in message) this.gate.learn(exchange.params, message.result);
      return exchange?.answer(message as JSONRPCMessage & { id: RequestId });
    }
    if (message.id !== undefined) {
      // 2026-07-28 has no server-to-client requests; refuse rather than leave the server waiting.
      void this.upstream?.transport.send({ jsonrpc: '2.0', id: message.id, error: { code: ProtocolErrorCode.MethodNotFound, message: 'Not supported in 2026-07-28' } } as JSONRPCMessage);
      return;
    }
    if (message.method === 'notifications/tools/list_changed') this.gate.markStale();
    for (const exchange of this.recipients(message)) exchange.notify(message);
  }

  /** Who a notification belongs to: by progress token, by subscription id, or the only request in flight. */
  private recipients(message: Message): ModernExchange[] {
    const params = message.params ?? {};
    const token = params.progressToken;
    if (token !== undefined) return [...this.exchanges.values()].filter((exchange) => exchange.bridgeToken === token);
    const subscription = (params._meta as Params | undefined)?.[SUBSCRIPTION_ID_META_KEY];
    if (subscription !== undefined) return [this.exchanges.get(String(subscription))].filter((exchange) => exchange !== undefined);
    const calls = [...this.exchanges.values()].filter((exchange) => !exchange.isListen);
    return calls.length === 1 ? calls : [];
  }

  private finish(bridgeId: string, error: { code: number; message: string; data?: unknown }): void {
    const exchange = this.exchanges.get(bridgeId);
    this.exchanges.delete(bridgeId);
    exchange?.answer({ jsonrpc: '2.0', id: bridgeId, error } as JSONRPCMessage & { id: RequestId });
  }
}
