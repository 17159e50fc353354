// Reads the small JSON-RPC body of a hot-path POST (see hotPath.ts) without express's body parser:
// its length is known and within --maxBodyBytes before the first byte is read.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { writeJsonError } from '../shared/errors.js';
import { isJsonRpcBody } from '../shared/jsonrpc.js';

/** A parsed, checked body: one JSON-RPC message or a non-empty batch of them. */
export type JsonRpcBody = JSONRPCMessage | JSONRPCMessage[];

/** What the body parser and check of the express path would answer instead: the same catalogue code. */
export class BodyRefusal {
  constructor(readonly code: 'PARSE_ERROR' | 'INVALID_REQUEST') {}
}
const notJson = new BodyRefusal('PARSE_ERROR');
const notJsonRpc = new BodyRefusal('INVALID_REQUEST');

/**
 * The body's declared length when the hot path can read it exactly as the express path would
 * (Content-Length from 1 to `maxBytes`, no Content-Encoding, UTF-8 or no charset); otherwise
 * undefined, and the request goes to express, which answers every other case (empty, too large,
 * compressed, another charset, chunked) as it always has.
 */
export function readableLength(req: IncomingMessage, maxBytes: number): number | undefined {
  const { headers } = req;
  const declared = headers['content-length'];
  if (declared === undefined || headers['transfer-encoding'] !== undefined || headers['content-encoding'] !== undefined) return undefined;
  const length = Number(declared);
  if (!(length > 0 && length <= maxBytes)) return undefined;
  const contentType = headers['content-type'];
  if (contentType !== undefined && /charset/i.test(contentType) && !/charset\s*=\s*"?utf-8"?\s*(;|$)/i.test(contentType)) return undefined;
  return length;
}

/** The body as JSON-RPC, or the refusal body-parser and the express path's check would give. */
export function parseJsonRpcBody(text: string): JsonRpcBody | BodyRefusal {
  let body: unknown;
  try {
    // iconv-lite drops a byte order mark on the express path; so does this one.
    body = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return notJson;
  }
  return isJsonRpcBody(body) ? body : notJsonRpc;
}

function ignoreError(): void {}

/**
 * Reads `length` bytes of `req` (Node's parser stops a body at its Content-Length) and calls `done`
 * once with its text, or with undefined when the client went away first; one chunk, the usual case for a
 * small body, is decoded without a copy.
 */
export function readBody(req: IncomingMessage, length: number, done: (text: string | undefined) => void): void {
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  req.on('data', (chunk: Buffer) => {
    if (first === undefined) first = chunk;
    else (more ??= [first]).push(chunk);
  });
  req.once('end', () => {
    const bytes = more ? Buffer.concat(more, length) : first;
    done(bytes?.toString('utf8') ?? '');
  });
  // A client that goes away mid-body: 'close' without 'end' (an 'error' listener keeps its abort from being thrown).
  req.once('error', ignoreError);
  req.once('close', () => void (req.complete || done(undefined)));
}

/**
 * Reads `length` bytes of `req` (see readBody) as JSON-RPC (see parseJsonRpcBody) and hands the body
 * to `use`; a client gone mid-body, a body that is not JSON and one that is not JSON-RPC are answered
 * on `res` as the express path's body parser answers them.
 */
export function readJsonRpcBody(req: IncomingMessage, res: ServerResponse, length: number, use: (body: JsonRpcBody) => void): void {
  readBody(req, length, (text) => {
    if (text === undefined) return writeJsonError(res, 'PARSE_ERROR', 'request.aborted');
    const body = parseJsonRpcBody(text);
    if (body instanceof BodyRefusal) return writeJsonError(res, body.code);
    use(body);
  });
}
