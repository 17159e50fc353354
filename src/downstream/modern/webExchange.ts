// Converts between Node's request/response and web-standard Request/Response for the SDK's v2
// handlers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * A web-standard Request for a Node request whose JSON body was already parsed (the SDK's
 * fetch-shaped handlers take these). Its signal aborts when the client goes away.
 */
export function toWebRequest(req: IncomingMessage, res: ServerResponse, body: unknown): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const aborter = new AbortController();
  res.once('close', () => aborter.abort());
  const url = `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;
  const hasBody = req.method === 'POST' && body !== undefined;
  return new Request(url, { method: req.method, headers, body: hasBody ? JSON.stringify(body) : undefined, signal: aborter.signal });
}

/** Writes a web-standard Response to a Node response, streaming its body (SSE included). */
export async function writeWebResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name === 'set-cookie') headers[name] = response.headers.getSetCookie();
    else headers[name] = value;
  });
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  res.flushHeaders();
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), res).catch(() => {
    // The client went away mid-stream; the SDK sees the abort through the request's signal.
  });
}

/** Writes a JSON-RPC error response with this HTTP status (the 2026-07-28 binding's refusals). */
export function writeRpcError(res: ServerResponse, status: number, id: unknown, error: { code: number; message: string; data?: unknown }): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: id ?? null, error }));
}
