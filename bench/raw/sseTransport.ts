/**
 * A minimal legacy SSE client transport on node:http (GET /sse, POST to the endpoint it names), for
 * measuring the gateway without the cost of the SDK's fetch/EventSource client.
 */
import http, { type ClientRequest } from 'node:http';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { expectOk, readEvents, readText, request } from './http.js';

export class RawSseTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;

  private readonly agent = new http.Agent({ keepAlive: true });
  private stream: ClientRequest | undefined;
  private endpoint: URL | undefined;
  private closed = false;

  constructor(private readonly url: URL) {}

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.stream = http.get(this.url, { agent: this.agent, headers: { accept: 'text/event-stream' } }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${this.url}: HTTP ${res.statusCode}`));
        void readEvents(res, (event) => {
          if (event.event === 'endpoint') {
            this.endpoint = new URL(event.data, this.url);
            resolve();
          } else if (event.event === 'message' || event.event === undefined) {
            this.onmessage?.(JSON.parse(event.data) as JSONRPCMessage);
          }
        }).then(() => this.finish());
      });
      this.stream.once('error', (error) => (this.endpoint ? this.onerror?.(error) : reject(error)));
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!this.endpoint || this.closed) throw new Error('not connected');
    const res = await request(this.agent, this.endpoint, 'POST', { 'content-type': 'application/json' }, JSON.stringify(message));
    await expectOk(res, 'POST message');
    await readText(res);
  }

  async close(): Promise<void> {
    this.stream?.destroy();
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.agent.destroy();
    this.onclose?.();
  }
}
