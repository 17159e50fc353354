// Assembles the security middleware of every protected route: CORS, then the rate limit, then the
// API key.
import type { RequestHandler } from 'express';
import type { Store } from 'express-rate-limit';
import type { SecurityConfig } from './options.js';
import type { Logger } from '../shared/log.js';
import { apiKeyCheck } from './apiKey.js';

/**
 * The app-level middleware protecting every route registered after it (health probes come
 * before): CORS first, so preflights (sent without credentials) are answered and 401/429 answers
 * stay readable by the page; then the rate limit, so guessing keys is throttled too; then the key.
 * Empty when nothing is configured. The CORS and rate-limit libraries load only when configured (cold start).
 * `rateLimitStore` counts the rate limit elsewhere (a cluster's Redis; default: memory).
 */
export async function securityMiddleware(security: SecurityConfig, log: Logger, rateLimitStore?: Store): Promise<RequestHandler[]> {
  const chain: RequestHandler[] = [];
  if (security.cors !== undefined) chain.push((await import('./cors.js')).corsMiddleware(security.cors));
  if (security.rateLimit) chain.push((await import('./rateLimit.js')).rateLimitMiddleware(security.rateLimit, log, rateLimitStore));
  if (security.apiKey !== undefined) chain.push(apiKeyCheck(security.apiKey, log));
  return chain;
}
