/** Plain node:http helpers for the raw benchmark clients: keep-alive requests and SSE bodies. */
import http, { type IncomingMessage } from 'node:http';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** Requests sent again because the server had closed the idle keep-alive socket they went out on. */
export const retries = { keepAlive: 0 };

/**
 * Sends one request and resolves with the response once its headers arrived (the body is left to
 * the caller). A request that meets a keep-alive socket the server has just closed for idleness
 * (ECONNRESET on a reused socket, before any response) is sent once more, as Node's docs advise.
 */
export function request(agent: http.Agent, url: URL, method: string, headers: Record<string, string>, body?: string, retry = true): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } });
    req.once('response', resolve);
    req.once('error', (error: NodeJS.ErrnoException) => {
      if (!retry || !req.reusedSocket || error.code !== 'ECONNRESET') return reject(error);
      retries.keepAlive++;
      request(agent, url, method, headers, body, false).then(resolve, reject);
    });
    req.end(body);
  });
}

/** Reads a whole body as text. */
export async function readText(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  for await (const chunk of res) text += chunk as string;
  return text;
}

/** Feeds a text/event-stream body to `onEvent`, event by event; resolves when the body ends. */
export function readEvents(res: IncomingMessage, onEvent: (event: EventSourceMessage) => void): Promise<void> {
  const parser = createParser({ onEvent });
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => parser.feed(chunk));
  return new Promise((resolve) => {
    res.once('end', resolve);
    res.once('close', resolve);
  });
}

/** Throws unless `res` has a 2xx status (after reading its body for the message). */
export async function expectOk(res: IncomingMessage, what: string): Promise<void> {
  if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) return;
  throw new Error(`${what}: HTTP ${res.statusCode} ${(await readText(res)).slice(0, 200)}`);
}
