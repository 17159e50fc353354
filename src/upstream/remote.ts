import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { RemoteKind, RemoteOptions } from '../config.js';
import type { CloseReason } from '../core/relay.js';
import type { Logger } from '../log.js';

// Statuses with which a legacy-only server refuses the initial Streamable HTTP POST (spec: backwards compatibility).
const legacyStatuses = new Set([400, 404, 405]);

/**
 * A remote MCP server as one Transport, relaying raw messages (no SDK Client in between, so nothing
 * is answered or dropped on the way). The connection opens in the background and the first send
 * waits for it; a failed connection fails that send and is tried again on the next one. With
 * `auto`, a 400/404/405 answer to the first POST switches to legacy SSE and resends the message.
 */
export class RemoteTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  /** The last connection or send failure, to explain errors. */
  lastError: Error | undefined;

  private kind: Exclude<RemoteKind, 'auto'>;
  private detecting: boolean;
  private connection: Promise<Transport> | undefined;
  private initializeId: RequestId | undefined;
  private closed = false;

  constructor(
    private readonly options: RemoteOptions,
    private readonly log: Logger,
  ) {
    this.kind = options.kind === 'sse' ? 'sse' : 'streamableHttp';
    this.detecting = options.kind === 'auto';
  }

  async start(): Promise<void> {
    this.connect().catch(() => {});
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if ('method' in message && message.method === 'initialize' && 'id' in message) this.initializeId = message.id;
    const transport = await this.connect();
    try {
      await transport.send(message);
      this.detecting = false;
    } catch (error) {
      if (!this.shouldFallBack(error)) throw this.remember(error);
      this.log.info('the remote refused Streamable HTTP; falling back to legacy SSE', { status: (error as StreamableHTTPError).code });
      this.detecting = false;
      this.kind = 'sse';
      this.connection = undefined;
      await transport.close().catch(() => {});
      await (await this.connect()).send(message).catch((fallbackError: unknown) => {
        throw this.remember(fallbackError);
      });
    }
  }

  /** Ends the remote session (DELETE for Streamable HTTP) and closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const transport = await this.connection?.catch(() => undefined);
    if (transport instanceof StreamableHTTPClientTransport && transport.sessionId) {
      await transport.terminateSession().catch((error: Error) => this.log.debug('could not end the remote session', { error: error.message }));
    }
    await transport?.close().catch(() => {});
    this.onclose?.();
  }

  /** Explains a failure for the JSON-RPC errors the desktop client receives. */
  explainClose(): CloseReason {
    return { code: 'REMOTE_UNREACHABLE', detail: this.lastError?.message };
  }

  private shouldFallBack(error: unknown): boolean {
    return this.detecting && error instanceof StreamableHTTPError && legacyStatuses.has(error.code ?? 0);
  }

  private remember(error: unknown): Error {
    this.lastError = error instanceof Error ? error : new Error(String(error));
    this.log.warn('the remote MCP server failed', { error: this.lastError.message });
    return this.lastError;
  }

  private connect(): Promise<Transport> {
    this.connection ??= this.open().catch((error: unknown) => {
      this.connection = undefined;
      throw this.remember(error);
    });
    return this.connection;
  }

  private async open(): Promise<Transport> {
    const url = new URL(this.options.url);
    const headers = { ...this.options.headers };
    const transport =
      this.kind === 'sse'
        ? new SSEClientTransport(url, { requestInit: { headers }, eventSourceInit: { fetch: withHeaders(headers) } })
        : new StreamableHTTPClientTransport(url, { requestInit: { headers } });
    transport.onmessage = (message) => this.receive(transport, message);
    transport.onerror = (error) => this.log.debug('remote transport error', { error: error.message });
    await transport.start();
    this.log.info('connected to the remote MCP server', { transport: this.kind });
    return transport;
  }

  private receive(transport: Transport, message: JSONRPCMessage): void {
    // The SDK's transport sends MCP-Protocol-Version once told the negotiated version; an SDK Client would tell it.
    if ('result' in message && message.id === this.initializeId) {
      const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') transport.setProtocolVersion?.(version);
    }
    this.onmessage?.(message);
  }
}

function withHeaders(headers: Record<string, string>) {
  return (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers).entries()), ...headers } });
}
