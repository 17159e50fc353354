// Reads POST bodies as JSON-RPC with a size bound, and turns body errors into JSON-RPC answers
// instead of HTML pages.
import express, { type NextFunction, type Request, type Response } from 'express';
import { readableLength, readJsonRpcBody } from './hotBody.js';
import { isJsonRpcBody } from '../shared/jsonrpc.js';
import { writeJsonError } from '../shared/errors.js';
import { tooLargeDetail, waitingOn } from '../shared/oversize.js';
import { TopLevelScanner } from '../shared/topLevelScanner.js';

/**
 * Watches one body beside body-parser, to answer an oversized request with its id: it holds
 * references to the chunks (the same buffers body-parser holds) up to the limit, and past it
 * scans them and the rest with a TopLevelScanner instead, so the id is found wherever it sits.
 */
class BodyScan {
  private chunks: Buffer[] | undefined = [];
  private scanner: TopLevelScanner | undefined;
  bytes = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.scanner) return this.scanner.push(chunk);
    this.chunks?.push(chunk);
    if (this.bytes <= this.maxBytes) return;
    this.scanner = new TopLevelScanner();
    for (const held of this.chunks ?? []) this.scanner.push(held);
    this.chunks = undefined;
  }

  /** Lets go of the chunks once the body is read. */
  done(): void {
    this.chunks = undefined;
  }

  /** The id of the request in the body, when it is one and it was found. */
  requestId(): string | number | undefined {
    const waiting = this.scanner && waitingOn(this.scanner.result());
    return waiting?.kind === 'sender' ? waiting.id : undefined;
  }
}

const scans = new WeakMap<object, BodyScan>();

/**
 * Reads a POST body as JSON-RPC, up to `maxBytes`: 413 when larger, 400 with -32700 when it is not
 * JSON, 400 with -32600 when it is JSON but not a JSON-RPC message or batch. The parsed body is
 * left in `req.body` for the transport. A body the hot path could read (a Content-Length within
 * `maxBytes`, not compressed, UTF-8) is read as the hot path reads it, with the same answers; the
 * rest goes through body-parser. So a session's first request (initialize) does not pay for
 * body-parser's first use, which loads iconv-lite's encodings (cold start).
 */
export function jsonRpcBody(maxBytes: number): express.RequestHandler[] {
  const slow = parsedByBodyParser(maxBytes);
  const read = (req: Request, res: Response, next: NextFunction): void => {
    const length = readableLength(req, maxBytes);
    if (length === undefined) return slow(req, res, next);
    readJsonRpcBody(req, res, length, (body) => {
      req.body = body;
      next();
    });
  };
  return [read];
}

/** body-parser's JSON reading, with the scan that finds an oversized request's id and the JSON-RPC check; an error goes to `next`. */
function parsedByBodyParser(maxBytes: number): (req: Request, res: Response, next: NextFunction) => void {
  // body-parser turns an empty body into {}; remember which requests really had bytes.
  const nonEmpty = new WeakSet<object>();
  const parse = express.json({
    limit: maxBytes,
    strict: false,
    type: () => true,
    verify: (req, _res, raw) => void (raw.length > 0 && nonEmpty.add(req)),
  });
  const validate = (req: Request, res: Response, next: NextFunction): void => {
    const body: unknown = req.body;
    if (body === undefined || !nonEmpty.has(req)) return writeJsonError(res, 'PARSE_ERROR', 'the body is empty');
    if (!isJsonRpcBody(body)) return writeJsonError(res, 'INVALID_REQUEST');
    next();
  };
  // Runs just before `parse`, in the same tick, so both listen from the body's first byte.
  const tap = (req: Request, _res: Response, next: NextFunction): void => {
    const scan = new BodyScan(maxBytes);
    scans.set(req, scan);
    req.on('data', (chunk: Buffer) => scan.push(chunk));
    req.once('end', () => scan.done());
    next();
  };
  // tap, parse and validate in turn, as express would run them; an error skips to the error handlers.
  return (req, res, next) => {
    tap(req, res, (error?: unknown) => {
      if (error) return next(error);
      void parse(req, res, (parseError?: unknown) => (parseError ? next(parseError) : validate(req, res, next)));
    });
  };
}

/** Maps body-parser failures to JSON errors; anything else becomes a JSON 500 without details. */
export function bodyErrors(error: unknown, req: Request, res: Response, next: NextFunction): void {
  const type = (error as { type?: string } | undefined)?.type;
  if (res.headersSent) return next(error);
  if (type === 'entity.too.large') return tooLarge(req, res, error as { limit?: number });
  if (type === 'entity.parse.failed') return writeJsonError(res, 'PARSE_ERROR');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return writeJsonError(res, 'UNSUPPORTED_MEDIA_TYPE');
  if (type === 'request.aborted' || type === 'request.size.invalid' || type === 'stream.encoding.set') return writeJsonError(res, 'PARSE_ERROR', type);
  next(error);
}

/**
 * 413 for a body over --maxBodyBytes, read to its end as body-parser does: a request in it is
 * answered with its own id (found by the scan), so a client can tell which call failed and why.
 */
function tooLarge(req: Request, res: Response, error: { limit?: number }): void {
  const scan = scans.get(req);
  const limit = { bytes: error.limit ?? scan?.bytes ?? 0, flag: 'maxBodyBytes' };
  const detail = scan ? tooLargeDetail('the body', scan.bytes, limit) : undefined;
  writeJsonError(res, 'BODY_TOO_LARGE', detail, {}, scan?.requestId() ?? null);
}
