// Reads POST bodies as JSON-RPC with a size bound, and turns body errors into JSON-RPC answers
// instead of HTML pages.
import express, { type NextFunction, type Request, type Response } from 'express';
import { isJsonRpcMessage } from '../shared/jsonrpc.js';
import { writeJsonError } from '../shared/errors.js';

/**
 * Reads a POST body as JSON-RPC, up to `maxBytes`: 413 when larger, 400 with -32700 when it is not
 * JSON, 400 with -32600 when it is JSON but not a JSON-RPC message or batch. The parsed body is
 * left in `req.body` for the transport.
 */
export function jsonRpcBody(maxBytes: number): express.RequestHandler[] {
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
    const messages = Array.isArray(body) ? body : [body];
    if (messages.length === 0 || !messages.every(isJsonRpcMessage)) return writeJsonError(res, 'INVALID_REQUEST');
    next();
  };
  return [parse, validate];
}

/** Maps body-parser failures to JSON errors; anything else becomes a JSON 500 without details. */
export function bodyErrors(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  const type = (error as { type?: string } | undefined)?.type;
  if (res.headersSent) return next(error);
  if (type === 'entity.too.large') return writeJsonError(res, 'BODY_TOO_LARGE');
  if (type === 'entity.parse.failed') return writeJsonError(res, 'PARSE_ERROR');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return writeJsonError(res, 'UNSUPPORTED_MEDIA_TYPE');
  if (type === 'request.aborted' || type === 'request.size.invalid' || type === 'stream.encoding.set') return writeJsonError(res, 'PARSE_ERROR', type);
  next(error);
}
