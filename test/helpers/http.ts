/** Minimal raw HTTP/SSE clients for tests that need exact control over bodies, headers and ids. */

import { readSse, type SseEvent } from './sseReader.js';
import { waitFor } from './wait.js';

/** Collects the events and comments of an SSE response as they arrive. */
export class SseReader {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  closed = false;

  constructor(response: Response) {
    void this.pump(response.body!);
  }

  /** Parsed `data` of every `message` event so far. */
  messages(): Record<string, unknown>[] {
    return this.events.filter((e) => e.event === 'message' && e.data.trim()).map((e) => JSON.parse(e.data) as Record<string, unknown>);
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    try {
      for await (const event of readSse(body, (comment) => this.comments.push(comment))) this.events.push(event);
    } catch {
      // aborted by the test or the server
    }
    this.closed = true;
  }
}

/** A legacy SSE session opened with GET: its stream reader, its POST URL and a way to hang up. */
export interface LegacySseSession {
  reader: SseReader;
  postUrl: string;
  sessionId: string;
  close(): void;
}

const mcpHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** Opens `GET {base}/sse` and waits for its `endpoint` event. */
export async function openLegacySseSession(base: string, ssePath = '/sse'): Promise<LegacySseSession> {
  const controller = new AbortController();
  const response = await fetch(`${base}${ssePath}`, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
  if (response.status !== 200) throw new Error(`GET ${ssePath} answered ${response.status}: ${await response.text()}`);
  const reader = new SseReader(response);
  const endpoint = await waitFor(() => reader.events.find((e) => e.event === 'endpoint'), { what: 'the endpoint event' });
  const postUrl = new URL(endpoint.data, base).href;
  return { reader, postUrl, sessionId: new URL(postUrl).searchParams.get('sessionId')!, close: () => controller.abort() };
}

/** POSTs `body` (an object, or a raw string sent as is) with MCP headers plus `headers`; `signal` may abort it. */
export function post(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { ...mcpHeaders, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body), signal });
}

/** An `initialize` request with protocol version `version`. */
export function initializeRequest(id: string | number = 0, version = '2025-06-18'): Record<string, unknown> {
  return { jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'test', version: '1' } } };
}

/** Starts a Streamable HTTP session: initialize + initialized; returns its id and the headers to send. */
export async function openStreamableSession(
  base: string,
  { path = '/mcp', version = '2025-06-18' }: { path?: string; version?: string } = {},
): Promise<{ sessionId: string; headers: Record<string, string> }> {
  const response = await post(`${base}${path}`, initializeRequest(0, version));
  const sessionId = response.headers.get('mcp-session-id');
  await response.text();
  if (!sessionId) throw new Error(`initialize answered ${response.status} without a session id`);
  const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': version };
  await (await post(`${base}${path}`, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers)).text();
  return { sessionId, headers };
}

/** Reads a Streamable HTTP POST answer (JSON or SSE) and returns the JSON-RPC messages in it. */
export async function messagesOf(response: Response): Promise<Record<string, unknown>[]> {
  const text = await response.text();
  if ((response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    return text
      .split('\n')
      .filter((line) => line.startsWith('data:') && line.slice(5).trim())
      .map((line) => JSON.parse(line.slice(5)) as Record<string, unknown>);
  }
  const parsed = JSON.parse(text) as Record<string, unknown> | Record<string, unknown>[];
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** A tools/call request. */
export function callTool(id: string | number, name: string, args: Record<string, unknown> = {}): Record<string, unknown> {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } };
}

/** POSTs `body` to `mcpUrl` for an SSE answer the caller may drop: its reader, and `drop()` to break the stream. */
export async function postForStream(mcpUrl: string, body: unknown, headers: Record<string, string>): Promise<{ reader: SseReader; drop(): void }> {
  const controller = new AbortController();
  const response = await fetch(mcpUrl, {
    method: 'POST',
    headers: { ...headers, ...mcpHeaders },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  return { reader: new SseReader(response), drop: () => controller.abort() };
}

/** Resumes a dropped stream with GET and `Last-Event-ID`, polling while the bridge still counts the old one as connected (409). */
export function resumeStream(mcpUrl: string, headers: Record<string, string>, lastEventId: string): Promise<Response> {
  return waitFor(
    async () => {
      const response = await fetch(mcpUrl, { headers: { ...headers, accept: 'text/event-stream', 'last-event-id': lastEventId } });
      if (response.status !== 409) return response;
      await response.body?.cancel();
      return undefined;
    },
    { what: 'the resumed stream' },
  );
}
