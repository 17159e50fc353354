// A 2026-07-28 remote offered to a session-era desktop client: initialize answered locally,
// requests sent one by one.
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { isNotification, isResponse } from '../../../shared/jsonrpc.js';
import { BridgeError, rpcErrorResponse } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/log.js';
import { InputRequestRelay } from './inputRequests.js';
import { ModernHttp } from './http.js';
import type { ClientIdentity } from '../../../shared/modernWire.js';
import { carriesModernMeta, initializeResult, resultResponse, withMeta, type RpcRequest } from './meta.js';
import type { ConnectionOptions, RemoteConnection } from '../connection.js';
import { failureErrorCodes, failureForError, type RemoteFailure } from '../failure.js';
import { ResourceSubscriptions } from './subscriptions.js';
import { ToolHeaderCatalog } from './toolHeaderCatalog.js';

type Json = Record<string, unknown>;

// How many input_required rounds one request may take before the bridge gives up on it.
const MAX_INPUT_ROUNDS = 8;
/**
 * A 2026-07-28 (stateless) remote presented to the desktop client: a legacy client's initialize is
 * answered from `server/discover`, ping and logging/setLevel locally, and each request goes out
 * with the client's identity in `_meta` and the standard headers; `input_required` results become
 * real requests to the client, and the request is sent again with its answers. A client that
 * itself speaks 2026-07-28 (its requests carry `_meta`) is passed through with headers added.
 */
export class ModernConnection implements RemoteConnection {
  onmessage?: (message: JSONRPCMessage) => void;
  onlost?: (ids: RequestId[], failure: RemoteFailure) => void;
  ondown?: (failure: RemoteFailure) => void;

  private readonly http: ModernHttp;
  private readonly tools: ToolHeaderCatalog;
  private readonly inputs: InputRequestRelay;
  private readonly subscriptions: ResourceSubscriptions;
  private readonly running = new Map<RequestId, AbortController>();
  private readonly log: Logger;
  private retries = 0;

  constructor(
    options: ConnectionOptions,
    /** The remote's server/discover result. */
    private readonly discovered: Json,
    /** Who the desktop client is; updated by its initialize and logging/setLevel. */
    private readonly identity: ClientIdentity,
  ) {
    this.log = options.log;
    this.http = new ModernHttp(options);
    this.subscriptions = new ResourceSubscriptions(this.http, identity, (discovered.capabilities ?? {}) as Json, options.log);
    this.http.onmessage = (message) => {
      if (!this.subscriptions.take(message)) this.onmessage?.(message);
    };
    this.tools = new ToolHeaderCatalog(options.log);
    this.inputs = new InputRequestRelay((message) => this.onmessage?.(message), () => this.identity);
  }

  async open(): Promise<void> {
    // Stateless: nothing to open.
  }

  setProtocolVersion(): void {
    // Every request names its version in _meta and MCP-Protocol-Version.
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (isResponse(message)) {
      if (!this.inputs.takeAnswer(message)) this.log.debug('dropped a client response nobody on the 2026-07-28 remote asked for', { id: message.id });
      return;
    }
    if (isNotification(message)) return this.notify(message as JSONRPCMessage & { method: string; params?: Json });
    const request = message as unknown as RpcRequest;
    const local = this.answerLocally(request);
    if (local) return this.onmessage?.(local);
    if (request.method === 'resources/subscribe' || request.method === 'resources/unsubscribe') return this.subscribe(request);
    await this.start(request);
  }

  async close(): Promise<void> {
    this.subscriptions.close();
    this.inputs.abandon(new BridgeError('SESSION_CLOSED', 'the bridge is shutting down'));
    this.http.close();
  }

  /** Client notifications: a cancellation closes the request's HTTP exchange; the rest have no stateless counterpart. */
  private notify(notification: { method: string; params?: Json }): void {
    if (notification.method === 'notifications/cancelled') {
      const id = notification.params?.requestId as RequestId | undefined;
      this.running.get(id ?? '')?.abort();
      if (id !== undefined) this.running.delete(id);
      return;
    }
    if (notification.method !== 'notifications/initialized') this.log.debug('a 2026-07-28 remote takes no client notifications; dropped', { method: notification.method });
  }

  /** What the bridge answers itself, or undefined for requests that go to the remote. */
  private answerLocally(request: RpcRequest): JSONRPCMessage | undefined {
    const params = request.params ?? {};
    switch (request.method) {
      case 'initialize':
        this.identity.clientInfo = (params.clientInfo as Json | undefined) ?? this.identity.clientInfo;
        this.identity.capabilities = (params.capabilities as Json | undefined) ?? {};
        return resultResponse(request.id, initializeResult(this.discovered, params.protocolVersion));
      case 'ping':
        return resultResponse(request.id, {});
      case 'logging/setLevel':
        if (typeof params.level === 'string') this.identity.logLevel = params.level;
        return resultResponse(request.id, {});
    }
    const refusal = request.method === 'tools/call' ? this.tools.refusal(params.name) : undefined;
    if (refusal) return rpcErrorResponse(request.id, 'REMOTE_REJECTED', `the tool's definition is invalid: ${refusal}`);
    return undefined;
  }

  /** resources/subscribe and unsubscribe become a change of the subscriptions/listen filter. */
  private async subscribe(request: RpcRequest): Promise<void> {
    const uri = request.params?.uri;
    let answer: JSONRPCMessage;
    try {
      if (typeof uri !== 'string') throw new BridgeError('REMOTE_REJECTED', `${request.method} needs a uri`);
      await this.subscriptions.change(request.method as 'resources/subscribe' | 'resources/unsubscribe', uri);
      answer = resultResponse(request.id, {});
    } catch (error) {
      answer = errorAnswer(request.id, error);
    }
    this.onmessage?.(answer);
  }

  /** Sends a request; resolves once the remote took it (failures before that are the caller's to retry), then finishes in the background. */
  private async start(request: RpcRequest): Promise<void> {
    const passThrough = carriesModernMeta(request as unknown as JSONRPCMessage);
    const controller = new AbortController();
    this.running.set(request.id, controller);
    try {
      const first = await this.http.post(this.wire(request, passThrough), this.toolHeaders(request), controller.signal);
      void this.finish(request, first.answer, passThrough, controller);
    } catch (error) {
      this.running.delete(request.id);
      throw error;
    }
  }

  private async finish(request: RpcRequest, firstAnswer: Promise<JSONRPCMessage>, passThrough: boolean, controller: AbortController): Promise<void> {
    let answer: JSONRPCMessage;
    try {
      answer = await firstAnswer;
      for (let round = 1; !passThrough && isInputRequired(answer); round++) {
        if (round > MAX_INPUT_ROUNDS) throw new BridgeError('REMOTE_INPUT_FAILED', `the server still wanted input after ${MAX_INPUT_ROUNDS} rounds`);
        const { inputRequests, requestState } = (answer as { result: Json }).result;
        const inputResponses = await this.inputs.answer(inputRequests);
        // The retry is a new request (new id) carrying the original params, the answers and the server's state, unchanged.
        const params: Json = { ...request.params, inputResponses };
        if (requestState !== undefined) params.requestState = requestState;
        const retry = { ...request, id: `mcp-bridge-retry-${++this.retries}`, params };
        answer = await (await this.http.post(this.wire(retry, false), this.toolHeaders(retry), controller.signal)).answer;
      }
    } catch (error) {
      answer = errorAnswer(request.id, error);
    }
    if (controller.signal.aborted || !this.running.delete(request.id)) return; // cancelled by the client: no answer expected
    this.onmessage?.(this.relabel(request, answer, passThrough));
  }

  /**
   * The answer under the client's own id, with tools/list results cleaned of invalid tools; a legacy
   * client gets results without the 2026-07-28 fields it has no use for (resultType, ttlMs, cacheScope).
   */
  private relabel(request: RpcRequest, answer: JSONRPCMessage, passThrough: boolean): JSONRPCMessage {
    let result = (answer as { result?: Json }).result;
    if (!result) return { ...answer, id: request.id } as JSONRPCMessage;
    if (request.method === 'tools/list') result = this.tools.learn(result);
    if (!passThrough) result = withoutModernFields(result);
    return resultResponse(request.id, result);
  }

  private wire(request: RpcRequest, passThrough: boolean): RpcRequest {
    return passThrough ? request : withMeta(request, this.identity);
  }

  private toolHeaders(request: RpcRequest): Record<string, string> {
    return request.method === 'tools/call' ? this.tools.headersFor(request.params?.name, request.params?.arguments) : {};
  }
}

function withoutModernFields(result: Json): Json {
  const { resultType: _type, ttlMs: _ttl, cacheScope: _scope, ...sessionEra } = result;
  return sessionEra;
}

function isInputRequired(answer: JSONRPCMessage): boolean {
  return (answer as { result?: { resultType?: unknown } }).result?.resultType === 'input_required';
}

function errorAnswer(id: RequestId, error: unknown): JSONRPCMessage {
  if (error instanceof BridgeError) return rpcErrorResponse(id, error.code, error.detail);
  const failure = failureForError(error);
  return rpcErrorResponse(id, failureErrorCodes[failure.kind], failure.message);
}
