// The transport of one legacy SSE session: its event stream out, its POSTed messages in.
import type { ServerResponse } from 'node:http';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { heldUuid } from '../../shared/heldUuid.js';
import { wireForm } from '../../shared/jsonrpc.js';
import { SseStream } from '../sseStream.js';
import type { NewSessionId } from '../sessionIds.js';

/** Options for one legacy SSE session. */
export interface SseSessionOptions {
  /** URL (absolute with --baseUrl, else a path) clients POST to; `?sessionId=` is appended. */
  messageUrl: string;
  /** Interval of `: keepalive` comments; 0 disables them. */
  keepaliveMs: number;
  /** Bytes the stream may have queued toward a client that stopped reading before it is cut (default: no bound). */
  maxBufferBytes?: number;
  /** Mints the session's id (default: a random UUID; a cluster's ids name their replica, see cluster/sessionIds.ts). */
  newSessionId?: NewSessionId;
}

/**
 * The legacy HTTP+SSE transport (spec 2024-11-05), server side: one long-lived event stream per
 * client whose first event names the URL to POST messages to. Unlike the SDK's SSEServerTransport
 * it honours an absolute public base URL and keeps idle streams alive with comments.
 */
export class SseSessionTransport implements Transport {
  readonly sessionId: string;
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;

  private stream: SseStream | undefined;
  private ended = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly options: SseSessionOptions,
  ) {
    this.sessionId = (options.newSessionId ?? heldUuid)();
  }

  async start(): Promise<void> {
    if (this.stream) return;
    this.stream = new SseStream(this.res, { keepaliveMs: this.options.keepaliveMs });
    const separator = this.options.messageUrl.includes('?') ? '&' : '?';
    this.stream.event(`${this.options.messageUrl}${separator}sessionId=${this.sessionId}`, undefined, 'endpoint');
    this.res.on('close', () => this.closed());
  }

  /** Hands a message POSTed by the client to the session. */
  receive(message: JSONRPCMessage): void {
    this.onmessage?.(message);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!this.stream?.isOpen) throw new Error('the SSE stream is closed');
    this.stream.event(wireForm(message));
  }

  async close(): Promise<void> {
    this.stream?.end();
    this.closed();
  }

  private closed(): void {
    if (this.ended || !this.stream) return;
    this.ended = true;
    this.onclose?.();
  }
}
