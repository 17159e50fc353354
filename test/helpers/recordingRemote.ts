/**
 * A small real HTTP server on 127.0.0.1 that stands in for a remote MCP server behind a pass-through:
 * it records what reaches it (method, path, headers, body bytes as they arrive) and, by the `mode`
 * query parameter, answers in a way a test can drive step by step.
 *
 * - default: reads the whole body, answers 200 JSON with `Mcp-Session-Id: remote-session`, an
 *   `X-Remote` header and CORS and hop-by-hop headers of its own (which the gateway must not pass on);
 * - `mode=stream`: answers `text/event-stream` with its headers flushed and no event; the test then
 *   emits events one by one with `emit()`;
 * - `mode=chunks`: records the body's bytes as they arrive (`received`), answers once it has ended.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from './wait.js';

/** One request as the remote saw it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The body's bytes received so far, as text. */
  body: string;
}

/** A running recording remote; `close()` it. */
export interface RecordingRemote {
  /** e.g. http://127.0.0.1:41234/mcp */
  url: string;
  requests: RecordedRequest[];
  /** Writes one SSE event on the open `mode=stream` answer (waits until one is open). */
  emit(data: string): Promise<void>;
  /** Ends the open `mode=stream` answer. */
  endStream(): void;
  close(): Promise<void>;
}

/** Starts a recording remote on a free port of 127.0.0.1. */
export async function startRecordingRemote(): Promise<RecordingRemote> {
  const requests: RecordedRequest[] = [];
  let stream: ServerResponse | undefined;
  const server = createServer((req, res) => {
    const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '' };
    requests.push(recorded);
    const mode = new URL(req.url ?? '/', 'http://remote').searchParams.get('mode');
    if (mode === 'stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }).flushHeaders();
      stream = res;
      res.once('close', () => void (stream === res && (stream = undefined)));
      return;
    }
    req.setEncoding('utf8').on('data', (chunk: string) => (recorded.body += chunk));
    req.on('end', () => {
      res
        .writeHead(200, {
          'content-type': 'application/json',
          'mcp-session-id': 'remote-session',
          'x-remote': 'yes',
          'access-control-allow-origin': 'https://remote.example',
          'keep-alive': 'timeout=99',
        })
        .end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { bytes: Buffer.byteLength(recorded.body) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    requests,
    emit: async (data) => {
      const open = await waitFor(() => stream, { what: 'the stream to be open at the remote' });
      open.write(`data: ${data}\n\n`);
    },
    endStream: () => stream?.end(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
