/**
 * A minimal Streamable HTTP client transport on node:http (POST /mcp answered with JSON or an SSE
 * stream, the standalone GET stream, DELETE at the end), for measuring the gateway without the
 * cost of the SDK's fetch-based client.
 */
import http, { type IncomingMessage } from 'node:http';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { expectOk, readEvents, readText, request } from './http.js';

export class RawStreamableHttpTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  sessionId?: string;

  private readonly agent = new http.Agent({ keepAlive: true });
  private readonly open = new Set<IncomingMessage>();
  private protocolVersion: string | undefined;
  private closed = false;

  /** `standaloneStream` (default true): open the GET stream once the session is initialized. */
  constructor(
    private readonly url: URL,
    private readonly standaloneStream = true,
  ) {}

  async start(): Promise<void> {}

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error('closed');
    const res = await request(this.agent, this.url, 'POST', { ...this.headers(), 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, JSON.stringify(message));
    this.sessionId ??= res.headers['mcp-session-id'] as string | undefined;
    await expectOk(res, 'POST /mcp');
    if (res.statusCode === 202) {
      res.resume();
      if (this.standaloneStream && 'method' in message && message.method === 'notifications/initialized') void this.openStandaloneStream();
      return;
    }
    // Read the body in the background: send() settles once the server accepted the message.
    void this.readBody(res);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.sessionId) await request(this.agent, this.url, 'DELETE', this.headers()).then((res) => res.resume(), () => {});
    for (const res of this.open) res.destroy();
    this.agent.destroy();
    this.onclose?.();
  }

  private headers(): Record<string, string> {
    return {
      ...(this.sessionId && { 'mcp-session-id': this.sessionId }),
      ...(this.protocolVersion && { 'mcp-protocol-version': this.protocolVersion }),
    };
  }

  private async readBody(res: IncomingMessage): Promise<void> {
    this.open.add(res);
    try {
      if (String(res.headers['content-type']).startsWith('text/event-stream')) {
        await readEvents(res, (event) => event.data && this.deliver(event.data));
      } else {
        this.deliver(await readText(res));
      }
    } catch (error) {
      this.onerror?.(error as Error);
    } finally {
      this.open.delete(res);
    }
  }

  private deliver(data: string): void {
    const parsed = JSON.parse(data) as JSONRPCMessage | JSONRPCMessage[];
    for (const message of Array.isArray(parsed) ? parsed : [parsed]) this.onmessage?.(message);
  }

  private async openStandaloneStream(): Promise<void> {
    const res = await request(this.agent, this.url, 'GET', { ...this.headers(), accept: 'text/event-stream' }).catch(() => undefined);
    if (!res || res.statusCode !== 200) return void res?.resume();
    await this.readBody(res);
  }
}
