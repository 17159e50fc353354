// A failed Messages API call as one line a person can act on: a refused key (401), a rate limit
// with its retry time (429), an overloaded API (529), a lost connection, or the API's own message.
// The SDK has already retried what can be retried; nothing here retries again.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';

/** The wait a rate-limited or overloaded answer asked for, as `12 s`, from retry-after-ms or retry-after. */
export function retryAfterText(headers: Headers | undefined): string | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.ceil(ms / 1000)} s`;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : (Date.parse(value) - Date.now()) / 1000;
  return Number.isFinite(seconds) && seconds > 0 ? `${Math.ceil(seconds)} s` : undefined;
}

/** Whether the person stopped the request (Ctrl-C), which is no error to report. */
export function isAbort(error: unknown): boolean {
  return error instanceof APIUserAbortError || (error instanceof Error && error.name === 'AbortError');
}

function apiText(error: APIError): string {
  return error.apiMessage ?? (error.type ? error.type : 'no detail');
}

/**
 * One line for a failed API call, without the key (the SDK's messages never hold it, and neither do
 * ours). `retries` is how many times the SDK tried again before giving up.
 */
export function describeApiError(error: unknown, retries: number): string {
  const after = retries > 0 ? ` (after ${retries} retries)` : '';
  if (error instanceof APIConnectionTimeoutError) return `the Anthropic API did not answer in time${after}; try again`;
  if (error instanceof APIConnectionError) {
    const cause = (error as { cause?: { cause?: { code?: string; message?: string }; message?: string } }).cause;
    const reason = cause?.cause?.code ?? cause?.cause?.message ?? cause?.message ?? error.message;
    return `cannot reach the Anthropic API${after}: ${reason}; check the network (or ANTHROPIC_BASE_URL)`;
  }
  if (!(error instanceof APIError)) return `the Anthropic API call failed: ${error instanceof Error ? error.message : String(error)}`;
  const { status, type } = error;
  if (status === 401 || type === 'authentication_error') return `the Anthropic API refused the API key (401 ${apiText(error)}); check ANTHROPIC_API_KEY`;
  if (status === 403 || type === 'permission_error') return `the Anthropic API key may not do this (403 ${apiText(error)})`;
  if (status === 429 || type === 'rate_limit_error') {
    const wait = retryAfterText(error.headers);
    return `rate limited by the Anthropic API (429${after}): ${wait ? `retry after ${wait}` : 'retry in a moment'}`;
  }
  if (status === 529 || type === 'overloaded_error') return `the Anthropic API is overloaded (529${after}); try again in a moment`;
  if (status !== undefined && status >= 500) return `the Anthropic API failed (${status}${after}): ${apiText(error)}`;
  return `the Anthropic API refused the request (${status ?? 'error'} ${type ?? ''}): ${apiText(error)}`.replace(/ \)/, ')');
}
