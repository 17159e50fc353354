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
 * A 'close' listener counting the refusal its response was answered with, by the catalogue code
 * writeJsonError answered with (an error status written by someone else counts as `HTTP_<status>`).
 * Made once and shared by every response, which it reads as `this`: added with `on`, not `once`
 * (a response closes once), since `once` holds a wrapper per response for as long as it lives.
 */
export function rejectionCounter(rejected: (reason: string) => void): (this: ServerResponse) => void {
  return function countRefusal(this: ServerResponse): void {
    const code = errorCodeOf(this);
    if (code) rejected(code);
    else if (this.statusCode >= 400) rejected(`HTTP_${this.statusCode}`);
  };
}

/**
 * Counts every request the bridge refuses (see rejectionCounter), so new refusals are counted
 * without extra calls. Mount it after the probes.
 */
export function countRejections(rejected: (reason: string) => void): RequestHandler {
  const countRefusal = rejectionCounter(rejected);
  return (_req, res, next) => {
    res.on('close', countRefusal);
    next();
  };
}
