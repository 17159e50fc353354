// The relay joining one downstream session to its upstream: moves JSON-RPC messages both ways and
// answers every request exactly once, also when a side goes away.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { BridgeError, catalogue, rpcErrorResponse, type BridgeErrorCode } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { Deadlines } from './deadlines.js';
import { isRequest, isResponse, progressTokenOf } from '../shared/jsonrpc.js';
import type { RelayObserver, RequestOutcome } from './observers.js';

/** Why the upstream went away, as a catalogue code and a detail for the errors in-flight requests receive. */
export type CloseReason = { code: BridgeErrorCode; detail?: string };

/** How a Relay treats its two sides. */
export interface RelayOptions {
  /** Explains an upstream that closed by itself (a crashed child, a lost connection). */
  explainUpstreamClose: () => CloseReason;
  /**
   * Tie server messages to a client request (default true). Off for downstreams that drop
   * messages tied to a request, such as Streamable HTTP in JSON-response mode, so that they
   * take the standalone stream instead.
   */
  relateToRequests?: boolean;
  /** Give up on a request after this long without an answer or progress (default 0: never). */
  requestTimeoutMs?: number;
  /** Told about every message and every answered request (default: nobody). */
  observer?: RelayObserver;
}

interface PendingRequest {
  method: string;
  progressToken: string | number | undefined;
  /** performance.now() when the client's request arrived. */
  startedAt: number;
}

/**
 * Moves JSON-RPC messages unchanged between one downstream (an MCP client) and one upstream (an MCP
 * server), and guarantees every client request exactly one answer: when the upstream ends first,
 * each request still in flight is answered with a JSON-RPC error. Either side closing closes both.
 */
export class Relay {
  /** Settles once, after both sides are closed (never rejects). */
  readonly closed: Promise<void>;
  private markClosed!: () => void;

  private readonly inFlight = new Map<RequestId, PendingRequest>();
  private closing: CloseReason | undefined;
  private ending: Promise<void> | undefined;

  private readonly deadlines: Deadlines;
  private readonly relateToRequests: boolean;

  constructor(
    private readonly downstream: Transport,
    private readonly upstream: Transport,
    private readonly log: Logger,
    private readonly options: RelayOptions,
  ) {
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
    this.relateToRequests = options.relateToRequests ?? true;
    this.deadlines = new Deadlines(options.requestTimeoutMs ?? 0, (id) => void this.timedOut(id));
  }

  /** Number of client requests awaiting an answer. */
  get pending(): number {
    return this.inFlight.size;
  }

  /** Whether a client request with this id awaits an answer (a second one would make both ambiguous). */
  isPending(id: RequestId): boolean {
    return this.inFlight.has(id);
  }

  /** True from the moment either side starts to close: the session takes no new messages. */
  get isEnding(): boolean {
    return this.closing !== undefined || this.ending !== undefined;
  }

  async start(): Promise<void> {
    this.downstream.onmessage = (message) => this.fromClient(message);
    this.upstream.onmessage = (message) => this.fromServer(message);
    this.downstream.onclose = () => void this.close({ code: 'SESSION_CLOSED', detail: 'the client went away' });
    this.upstream.onclose = () => void this.upstreamClosed();
    this.downstream.onerror = (error) => this.log.debug('client transport error', { error: error.message });
    this.upstream.onerror = (error) => this.log.warn('server transport error', { error: error.message });
    await this.upstream.start();
    await this.downstream.start();
  }

  /** Closes the upstream (answering what is in flight with `reason`) and then the downstream. */
  async close(reason: CloseReason): Promise<void> {
    this.closing ??= reason;
    if (!this.ending) await this.upstream.close();
    await this.upstreamClosed();
  }

  private fromClient(message: JSONRPCMessage): void {
    if (this.log.isEnabled('debug')) this.log.debug('client → server', { jsonrpc: message });
    this.options.observer?.message('client_to_server', message);
    if (isRequest(message)) {
      this.inFlight.set(message.id, { method: message.method, progressToken: progressTokenOf(message), startedAt: performance.now() });
      this.deadlines.arm(message.id);
    }
    this.upstream.send(message).catch((error: Error) => {
      this.log.debug('could not pass a message to the server', { error: error.message });
      const reason = error instanceof BridgeError ? { code: error.code, detail: error.detail } : this.options.explainUpstreamClose();
      if (isRequest(message)) void this.answerWithError(message.id, this.closing ?? reason);
    });
  }

  private fromServer(message: JSONRPCMessage): void {
    if (this.log.isEnabled('debug')) this.log.debug('server → client', { jsonrpc: message });
    this.options.observer?.message('server_to_client', message);
    if (isResponse(message)) {
      this.deadlines.clear(message.id);
      const pending = this.inFlight.get(message.id);
      if (!this.inFlight.delete(message.id)) this.log.warn('the server answered a request nobody is waiting for', { id: message.id });
      else this.done(pending!, { source: 'server', errorCode: 'error' in message ? message.error.code : undefined });
      void this.toClient(message);
      return;
    }
    const relatedRequestId = this.relateToRequests ? this.relatedRequest(message) : undefined;
    this.downstream.send(message, { relatedRequestId }).catch((error: Error) => {
      this.log.debug('could not pass a message to the client', { error: error.message });
      // A server request that cannot reach its client must not leave the server waiting forever.
      if (isRequest(message)) void this.upstream.send(rpcErrorResponse(message.id, 'CLIENT_UNREACHABLE', error.message)).catch(() => {});
    });
  }

  /**
   * The client request a server message belongs with, so that transports with one stream per
   * request deliver it there: progress goes with the request that chose its token; anything else
   * goes with the oldest request still in flight (the likeliest to be the long-running tool call).
   */
  private relatedRequest(message: JSONRPCMessage): RequestId | undefined {
    if ('method' in message && message.method === 'notifications/progress') {
      const token = (message.params as { progressToken?: unknown } | undefined)?.progressToken;
      for (const [id, pending] of this.inFlight) {
        if (pending.progressToken !== token) continue;
        this.deadlines.arm(id); // progress keeps a long call alive
        return id;
      }
    }
    return this.inFlight.keys().next().value;
  }

  private toClient(message: JSONRPCMessage): Promise<void> {
    return this.downstream.send(message).catch(this.undelivered);
  }

  // One handler per relay, not a closure per response.
  private readonly undelivered = (error: Error): void => {
    this.log.debug('could not deliver a response to the client', { error: error.message });
  };

  /** Gives up on a request: answers it with REQUEST_TIMEOUT and tells the server to stop working on it. */
  private async timedOut(id: RequestId): Promise<void> {
    const timeoutMs = this.options.requestTimeoutMs ?? 0;
    this.log.warn('a request timed out', { id, method: this.inFlight.get(id)?.method, timeoutMs });
    await this.answerWithError(id, { code: 'REQUEST_TIMEOUT', detail: `no answer within ${timeoutMs} ms` });
    const cancel = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'request timed out' } } as const;
    await this.upstream.send(cancel as JSONRPCMessage).catch(() => {});
  }

  private answerWithError(id: RequestId, reason: CloseReason): Promise<void> {
    this.deadlines.clear(id);
    const pending = this.inFlight.get(id);
    if (!this.inFlight.delete(id)) return Promise.resolve();
    this.done(pending!, { source: 'bridge', errorCode: catalogue[reason.code].rpc, reason: reason.code });
    return this.toClient(rpcErrorResponse(id, reason.code, reason.detail));
  }

  private done(pending: PendingRequest, outcome: RequestOutcome): void {
    this.options.observer?.requestDone(pending.method, (performance.now() - pending.startedAt) / 1000, outcome);
  }

  /** Runs the end of the session once, however many paths lead here. */
  private upstreamClosed(): Promise<void> {
    return (this.ending ??= this.finish());
  }

  private async finish(): Promise<void> {
    const reason = this.closing ?? this.options.explainUpstreamClose();
    if (!this.closing) this.log.warn('the MCP server ended', { reason: reason.detail ?? reason.code });
    this.closing = reason;
    await Promise.all([...this.inFlight.keys()].map((id) => this.answerWithError(id, reason)));
    this.deadlines.clearAll();
    await this.downstream.close().catch(() => {});
    this.markClosed();
  }
}
