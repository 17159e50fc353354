// The inbound API key check (`--apiKey`): Bearer or X-API-Key, compared in constant time, 401 with
// a challenge otherwise.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { writeJsonError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';

/** The challenge sent with every 401, as RFC 6750 asks of Bearer-protected resources. */
export const authChallenge = 'Bearer realm="mcp-bridge"';

// Comparing fixed-length digests keeps timingSafeEqual usable for keys of any length and leaks neither.
const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** The keys a request offers: the token of `Authorization: Bearer …` and `X-API-Key`. */
export function offeredKeys(headers: IncomingHttpHeaders): string[] {
  const keys: string[] = [];
  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(headers.authorization ?? '');
  if (bearer) keys.push(bearer[1]!);
  const apiKey = headers['x-api-key'];
  for (const value of Array.isArray(apiKey) ? apiKey : apiKey === undefined ? [] : [apiKey]) keys.push(value.trim());
  return keys;
}

/** Whether a request's headers offer `apiKey` (Bearer or X-API-Key), every offered key compared in constant time. */
export function apiKeyAccepted(apiKey: string) {
  const expected = digest(apiKey);
  return (keys: readonly string[]): boolean => {
    // Every offered key is compared, so the time taken does not depend on which one matched.
    let ok = false;
    for (const key of keys) ok = timingSafeEqual(digest(key), expected) || ok;
    return ok;
  };
}

/**
 * Inbound API-key authentication: a request must carry `Authorization: Bearer KEY` or
 * `X-API-Key: KEY`, compared in constant time; otherwise 401 JSON UNAUTHORIZED with a
 * `WWW-Authenticate` challenge. Keys are never logged.
 */
export function apiKeyCheck(apiKey: string, log: Logger) {
  const accepted = apiKeyAccepted(apiKey);
  return (req: Request, res: Response, next: NextFunction): void => {
    const keys = offeredKeys(req.headers);
    if (accepted(keys)) return next();
    // debug, not info: a flood of bad keys must not become a flood of log lines (metrics count them).
    log.debug('unauthorized request', { method: req.method, path: req.path, ip: req.ip, keyOffered: keys.length > 0 });
    writeJsonError(res, 'UNAUTHORIZED', keys.length ? 'wrong API key' : 'no API key (send Authorization: Bearer KEY or X-API-Key: KEY)', {
      'WWW-Authenticate': authChallenge,
    });
  };
}
