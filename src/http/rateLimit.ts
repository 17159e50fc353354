// Per-client-IP request limit (`--rateLimit`), a fixed window in memory (or in a cluster's Redis),
// answered with 429 and Retry-After.
import { rateLimit, type Store } from 'express-rate-limit';
import type { RateLimitConfig } from './options.js';
import { writeJsonError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';

/**
 * Limits each client IP to `limit` requests per window (fixed window, in memory); beyond it,
 * 429 JSON RATE_LIMITED with `Retry-After` in whole seconds. Behind a reverse proxy every client
 * shares the proxy's address. `store` counts elsewhere (a cluster's Redis; default: memory).
 */
export function rateLimitMiddleware({ limit, windowMs }: RateLimitConfig, log: Logger, store?: Store) {
  return rateLimit({
    limit,
    windowMs,
    ...(store && { store }),
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // The library's own misconfiguration warnings go to our log, not the console.
    logger: { warn: (error, message) => log.warn(message ?? 'rate limiter', { error: String(error) }), error: (error, message) => log.error(message ?? 'rate limiter', { error: String(error) }) },
    handler: (req, res) => {
      const resetTime = (req as typeof req & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + windowMs) - Date.now()) / 1000));
      log.debug('rate limited', { ip: req.ip, method: req.method, path: req.path });
      writeJsonError(res, 'RATE_LIMITED', `at most ${limit} requests per ${windowMs === 1000 ? 'second' : 'minute'}`, { 'Retry-After': String(seconds) });
    },
  });
}
