// The `/metrics` handler and the counter of rejected requests, behind the narrow interfaces the
// HTTP app needs.
import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { errorCodeOf } from '../shared/errors.js';

/** What the metrics endpoint needs: the text and its content type. */
export interface Scrapable {
  readonly contentType: string;
  scrape(): Promise<string>;
}

/** `GET /metrics`: the Prometheus text exposition. */
export function metricsHandler(metrics: Scrapable): RequestHandler {
  return (_req, res, next) => {
    metrics.scrape().then((text) => void res.type(metrics.contentType).send(text), next);
  };
}

/**
 * Counts the refusal `res` was answered with once it closes, by the catalogue code writeJsonError
 * answered with; an error status written by someone else counts as `HTTP_<status>`.
 */
export function countRejectionOf(res: ServerResponse, rejected: (reason: string) => void): void {
  // `on`, not `once` (a response closes once): `once` holds a wrapper and a bound function for as long as
  // the response lives, hours for an event stream.
  res.on('close', rejectionCounter(rejected));
}

/**
 * The 'close' listener countRejectionOf adds, made once and shared by every response (it reads the
 * response as `this`), for callers that count every request they serve.
 */
export function rejectionCounter(rejected: (reason: string) => void): (this: ServerResponse) => void {
  return function countRefusal(this: ServerResponse): void {
    const code = errorCodeOf(this);
    if (code) rejected(code);
    else if (this.statusCode >= 400) rejected(`HTTP_${this.statusCode}`);
  };
}

/**
 * Counts every request the bridge refuses (see countRejectionOf), so new refusals are counted
 * without extra calls. Mount it after the probes.
 */
export function countRejections(rejected: (reason: string) => void): RequestHandler {
  return (_req, res, next) => {
    countRejectionOf(res, rejected);
    next();
  };
}
