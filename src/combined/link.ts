// One connection of the combined endpoint to one server (a catalogue's, or a client session's):
// the upstream opened and initialized, requests of our own answered by private ids, everything else
// handed on unchanged.
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Upstream } from '../core/gateway.js';
import type { CloseReason } from '../core/relay.js';
import { BridgeError } from '../shared/errors.js';
import { isResponse } from '../shared/jsonrpc.js';

type Result = Record<string, unknown>;

/** How long a request of the combined endpoint's own (initialize, a list, a ping) may take by default (10 s). */
export const linkRequestTimeoutMs = 10_000;

interface Waiting {
  resolve(result: Result): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * An upstream driven by the combined endpoint: `open` starts it and runs the handshake with the
 * given initialize params; `request` sends a request of our own (ids `mcp-bridge-<tag>-N`, which no
 * message handed on ever carries); `onmessage` gets everything else; `onclose` says why it ended.
 */
export class ServerLink {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: (reason: CloseReason) => void;
  private readonly waiting = new Map<string, Waiting>();
  private next = 0;
  private ended = false;

  constructor(
    private readonly upstream: Upstream,
    private readonly tag: string,
  ) {}

  /** True once the connection has ended (by itself or closed). */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Starts the upstream, initializes it with `params` and says `initialized`; resolves with the server's initialize result. */
  async open(params: Result, timeoutMs = linkRequestTimeoutMs): Promise<Result> {
    const { transport } = this.upstream;
    transport.onmessage = (message) => this.received(message);
    transport.onclose = () => this.closed();
    transport.onerror = () => {};
    await transport.start();
    const result = await this.request('initialize', params, timeoutMs);
    await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return result;
  }

  /** Sends a request of our own; resolves with its result, rejects with its error, on the connection's end or after `timeoutMs`. */
  request(method: string, params: Result | undefined, timeoutMs = linkRequestTimeoutMs): Promise<Result> {
    if (this.ended) return Promise.reject(this.endError());
    const id = `mcp-bridge-${this.tag}-${++this.next}`;
    return new Promise<Result>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`no answer to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.waiting.set(id, { resolve, reject, timer });
      const message = { jsonrpc: '2.0', id, method, ...(params && { params }) } as JSONRPCMessage;
      this.upstream.transport.send(message).catch((error: Error) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        reject(error);
      });
    });
  }

  /** Hands a message of the client on to the server. */
  send(message: JSONRPCMessage): Promise<void> {
    if (this.ended) return Promise.reject(this.endError());
    return this.upstream.transport.send(message);
  }

  /** Tells the upstream the client's transport (hibernating children watch its streams). */
  watch(downstream: Parameters<NonNullable<Upstream['watch']>>[0]): void {
    this.upstream.watch?.(downstream);
  }

  /** How the server's end is explained. */
  explainClose(): CloseReason {
    return this.upstream.explainClose();
  }

  /** Closes the upstream (its process, its remote session); `onclose` is not called for an end we asked for. */
  async close(): Promise<void> {
    if (this.ended) return;
    this.onclose = undefined;
    await this.upstream.transport.close().catch(() => {});
    this.closed();
  }

  private received(message: JSONRPCMessage): void {
    if (isResponse(message) && typeof message.id === 'string' && this.waiting.has(message.id)) {
      const waiting = this.waiting.get(message.id)!;
      this.waiting.delete(message.id);
      clearTimeout(waiting.timer);
      if ('error' in message) waiting.reject(new Error(message.error.message));
      else waiting.resolve((message as { result: Result }).result);
      return;
    }
    this.onmessage?.(message);
  }

  private endError(): BridgeError {
    const reason = this.upstream.explainClose();
    return new BridgeError(reason.code, reason.detail);
  }

  private closed(): void {
    if (this.ended) return;
    this.ended = true;
    for (const waiting of this.waiting.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(this.endError());
    }
    this.waiting.clear();
    this.onclose?.(this.upstream.explainClose());
  }
}
