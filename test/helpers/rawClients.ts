/**
 * Minimal hand-written MCP clients over raw HTTP (fetch + a tiny SSE reader), so tests control every
 * JSON-RPC id and see every message the server sends, on every stream.
 *
 * - `StreamableRawClient`: Streamable HTTP at /mcp (POST per message, SSE or JSON answers, optional standalone GET stream).
 * - `SseRawClient`: legacy HTTP+SSE (GET /sse, `endpoint` event, POST to /message?sessionId=…).
 */
import { readSse } from './sseReader.js';

export { readSse, type SseEvent } from './sseReader.js';

export type JsonRpcId = number | string;

export interface JsonRpcMessage {
  jsonrpc: '2.0';
  id?: JsonRpcId;
  method?: string;
  params?: Record<string, unknown> & { _meta?: Record<string, unknown> };
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
}

export const PROTOCOL_VERSION = '2025-06-18';

/** An HTTP status the client did not expect for a POST (e.g. 404 once a session is gone). */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    message: JsonRpcMessage,
  ) {
    super(`POST of ${JSON.stringify(message)} answered ${status}: ${body}`);
  }
}

export function isResponse(message: JsonRpcMessage): boolean {
  return message.method === undefined && message.id !== undefined;
}

/** The path of a base URL, without a trailing slash: a gateway server's routes (`…/servers/NAME`) or '' for the root. */
function basePath(baseUrl: string): string {
  return new URL(baseUrl).pathname.replace(/\/+$/, '');
}

/** What both raw clients offer. Every message the server sends to the client lands in `inbox`, in arrival order. */
export abstract class RawClient {
  readonly inbox: JsonRpcMessage[] = [];
  /** Problems seen on the wire (unexpected HTTP statuses, unparsable data); tests assert this stays empty. */
  readonly problems: string[] = [];
  protected readonly abort = new AbortController();
  private waiters: Array<() => void> = [];

  constructor(readonly baseUrl: string) {}

  abstract get transport(): 'streamable-http' | 'sse';

  /** POSTs one JSON-RPC message to the server; resolves once it has been accepted, throws HttpStatusError if not. */
  protected abstract post(message: JsonRpcMessage): Promise<void>;

  /** Ends the session the way a client of this transport does (DELETE /mcp, or dropping the SSE stream). */
  abstract close(): Promise<void>;

  protected receive(raw: string): void {
    try {
      const parsed = JSON.parse(raw) as JsonRpcMessage | JsonRpcMessage[];
      this.inbox.push(...(Array.isArray(parsed) ? parsed : [parsed]));
    } catch {
      this.problems.push(`unparsable message: ${raw}`);
    }
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }

  /** Resolves with the first message in the inbox matching `predicate`, waiting (event-driven) up to `timeoutMs`. */
  async waitForMessage(predicate: (m: JsonRpcMessage) => boolean, what: string, timeoutMs = 20_000): Promise<JsonRpcMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.inbox.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.transport} client timed out waiting for ${what}; inbox: ${JSON.stringify(this.inbox)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends a request and waits for the response carrying the same id (compared as text: the tests check the type). */
  async request(id: JsonRpcId, method: string, params: Record<string, unknown> = {}): Promise<JsonRpcMessage> {
    await this.post({ jsonrpc: '2.0', id, method, params });
    return this.waitForMessage((m) => isResponse(m) && String(m.id) === String(id), `the response to ${method} #${JSON.stringify(id)}`);
  }

  /** POSTs any message without waiting for an answer (for tests that fire requests with colliding ids at once). */
  async send(message: JsonRpcMessage): Promise<void> {
    await this.post(message);
  }

  async notify(method: string, params: Record<string, unknown> = {}): Promise<void> {
    await this.post({ jsonrpc: '2.0', method, params });
  }

  /** Answers a server-to-client request. */
  async respond(id: JsonRpcId, result: Record<string, unknown>): Promise<void> {
    await this.post({ jsonrpc: '2.0', id, result });
  }

  /** initialize (with `id`) + notifications/initialized; returns the initialize result. */
  async initialize(id: JsonRpcId, clientName = 'raw-client', capabilities: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const response = await this.request(id, 'initialize', {
      protocolVersion: PROTOCOL_VERSION,
      capabilities,
      clientInfo: { name: clientName, version: '1.0.0' },
    });
    if (!response.result) throw new Error(`initialize failed: ${JSON.stringify(response)}`);
    await this.notify('notifications/initialized');
    return response.result;
  }

  /** Responses in the inbox (messages with an id and no method). */
  responses(): JsonRpcMessage[] {
    return this.inbox.filter(isResponse);
  }
}

/** A Streamable HTTP client: one POST per message to /mcp, answers read from SSE or JSON bodies. */
export class StreamableRawClient extends RawClient {
  sessionId: string | undefined;
  private readonly pending = new Set<Promise<void>>();

  get transport(): 'streamable-http' {
    return 'streamable-http';
  }

  get endpoint(): string {
    return new URL(`${basePath(this.baseUrl)}/mcp`, this.baseUrl).href;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(this.sessionId !== undefined && { 'mcp-session-id': this.sessionId, 'mcp-protocol-version': PROTOCOL_VERSION }),
      ...extra,
    };
  }

  protected async post(message: JsonRpcMessage): Promise<void> {
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify(message),
      signal: this.abort.signal,
    });
    this.sessionId ??= response.headers.get('mcp-session-id') ?? undefined;
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok) throw new HttpStatusError(response.status, await response.text(), message);
    if (message.id === undefined || message.method === undefined) {
      // A notification or a response to the server: 202 Accepted, no body.
      if (response.status !== 202) this.problems.push(`POST of ${JSON.stringify(message)} answered ${response.status}`);
      await response.body?.cancel();
      return;
    }
    if (type.includes('text/event-stream') && response.body) {
      this.track(this.consume(response.body));
    } else if (type.includes('application/json')) {
      this.receive(await response.text());
    } else {
      this.problems.push(`POST answered with content-type ${type}`);
    }
  }

  /** Opens the standalone GET /mcp stream, so messages the server sends outside any request are seen too. */
  async openStandaloneStream(): Promise<number> {
    const response = await fetch(this.endpoint, {
      headers: { accept: 'text/event-stream', ...this.headers() },
      signal: this.abort.signal,
    });
    if (response.ok && response.body) this.track(this.consume(response.body));
    else await response.body?.cancel();
    return response.status;
  }

  /** DELETE /mcp; returns its status. Also drops any open stream. */
  async terminate(): Promise<number> {
    try {
      const response = await fetch(this.endpoint, { method: 'DELETE', headers: this.headers() });
      await response.body?.cancel();
      return response.status;
    } finally {
      this.abort.abort();
      await Promise.allSettled([...this.pending]);
    }
  }

  async close(): Promise<void> {
    await this.terminate();
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private async consume(body: ReadableStream<Uint8Array>): Promise<void> {
    try {
      for await (const event of readSse(body)) if (event.event === 'message') this.receive(event.data);
    } catch (error) {
      if (!this.abort.signal.aborted) this.problems.push(`SSE stream failed: ${String(error)}`);
    }
  }
}

/** A legacy HTTP+SSE client: GET /sse, then POST each message to the endpoint the server announced. */
export class SseRawClient extends RawClient {
  endpoint: string | undefined;
  private stream: Promise<void> | undefined;

  get transport(): 'sse' {
    return 'sse';
  }

  /** Opens GET /sse and waits for the `endpoint` event. */
  async connect(timeoutMs = 20_000): Promise<string> {
    const response = await fetch(new URL(`${basePath(this.baseUrl)}/sse`, this.baseUrl), { headers: { accept: 'text/event-stream' }, signal: this.abort.signal });
    if (!response.ok || !response.body) throw new Error(`GET /sse answered ${response.status}`);
    let announce: (endpoint: string) => void = () => {};
    const announced = new Promise<string>((resolve) => (announce = resolve));
    const body = response.body;
    this.stream = (async () => {
      try {
        for await (const event of readSse(body)) {
          if (event.event === 'endpoint') announce((this.endpoint = new URL(event.data, this.baseUrl).href));
          else if (event.event === 'message') this.receive(event.data);
        }
      } catch (error) {
        if (!this.abort.signal.aborted) this.problems.push(`SSE stream failed: ${String(error)}`);
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no endpoint event on GET /sse')), timeoutMs);
    });
    try {
      return await Promise.race([announced, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  get sessionId(): string | undefined {
    return this.endpoint ? (new URL(this.endpoint).searchParams.get('sessionId') ?? undefined) : undefined;
  }

  protected async post(message: JsonRpcMessage): Promise<void> {
    if (!this.endpoint) throw new Error('connect() first');
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      signal: this.abort.signal,
    });
    if (!response.ok) throw new HttpStatusError(response.status, await response.text(), message);
    if (response.status !== 202) this.problems.push(`POST of ${JSON.stringify(message)} answered ${response.status}`);
    await response.body?.cancel();
  }

  /** Drops the SSE stream (what a legacy client does to end its session). */
  async close(): Promise<void> {
    this.abort.abort();
    await this.stream;
  }
}
