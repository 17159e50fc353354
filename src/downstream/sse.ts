import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** Options for one legacy SSE session. */
export interface SseSessionOptions {
  /** URL (absolute with --baseUrl, else a path) clients POST to; `?sessionId=` is appended. */
  messageUrl: string;
  /** Interval of `: keepalive` comments; 0 disables them. */
  keepaliveMs: number;
  /** Bytes the stream may have queued toward a client that stopped reading before it is cut (default: no bound). */
  maxBufferBytes?: number;
}

/**
 * The legacy HTTP+SSE transport (spec 2024-11-05), server side: one long-lived event stream per
 * client whose first event names the URL to POST messages to. Unlike the SDK's SSEServerTransport
 * it honours an absolute public base URL and keeps idle streams alive with comments.
 */
export class SseSessionTransport implements Transport {
  readonly sessionId = randomUUID();
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;

  private open = false;
  private keepalive: NodeJS.Timeout | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly options: SseSessionOptions,
  ) {}

  async start(): Promise<void> {
    if (this.open) return;
    this.open = true;
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const separator = this.options.messageUrl.includes('?') ? '&' : '?';
    this.res.write(`event: endpoint\ndata: ${this.options.messageUrl}${separator}sessionId=${this.sessionId}\n\n`);
    if (this.options.keepaliveMs > 0) {
      this.keepalive = setInterval(() => this.res.write(': keepalive\n\n'), this.options.keepaliveMs);
      this.keepalive.unref();
    }
    this.res.on('close', () => this.closed());
  }

  /** Hands a message POSTed by the client to the session. */
  receive(message: JSONRPCMessage): void {
    this.onmessage?.(message);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!this.open) throw new Error('the SSE stream is closed');
    this.res.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
  }

  async close(): Promise<void> {
    if (this.open) this.res.end();
    this.closed();
  }

  private closed(): void {
    if (!this.open) return;
    this.open = false;
    clearInterval(this.keepalive);
    this.onclose?.();
  }
}
