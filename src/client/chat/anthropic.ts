// The Anthropic SDK client of a chat: the key and ANTHROPIC_BASE_URL read by the SDK itself from the
// environment (so the key passes through none of our code or logs), the SDK's own retries, its log
// lines on stderr, and a note on the terminal while it waits to retry a busy API.
import { Console } from 'node:console';
import Anthropic from '@anthropic-ai/sdk';
import { retryAfterText } from './apiErrors.js';

/** Retries of a rate-limited, overloaded or unreachable API (the SDK's `maxRetries`, its default 2). */
export const API_MAX_RETRIES = 2;

// The statuses the SDK retries (besides lost connections).
const retried = (status: number): boolean => status === 408 || status === 409 || status === 429 || status >= 500;

function busyNote(status: number, headers: Headers, attempt: number): string {
  const what = status === 429 ? 'rate limited' : status === 529 ? 'overloaded' : `failed with ${status}`;
  const wait = retryAfterText(headers);
  return `the Anthropic API is ${what} (${status}); retrying${wait ? ` in ${wait}` : ''} (${attempt}/${API_MAX_RETRIES})`;
}

/**
 * A client for the Messages API. `note` receives a line each time a busy answer (429, 529, 5xx) is
 * about to be retried by the SDK, since its wait (the API's retry-after) can be long and silent.
 */
export function createAnthropic(note: (line: string) => void, err: NodeJS.WritableStream = process.stderr): Anthropic {
  const fetchWithNotes: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (!response.ok && retried(response.status)) {
      // The SDK numbers its attempts in this header; the last one is not retried (its error is shown instead).
      const attempt = Number(new Headers(init?.headers).get('x-stainless-retry-count') ?? 0) + 1;
      if (attempt <= API_MAX_RETRIES && response.headers.get('x-should-retry') !== 'false') note(busyNote(response.status, response.headers, attempt));
    }
    return response;
  };
  // The SDK's default logger is the console, whose info and debug lines go to stdout: they belong on stderr.
  return new Anthropic({ maxRetries: API_MAX_RETRIES, fetch: fetchWithNotes, logger: new Console(err, err) });
}
