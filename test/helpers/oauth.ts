/** Helpers of the OAuth tests: a logger that records lines and plays the browser, and a request loop like the remote transports'. */
import { readFileSync } from 'node:fs';
import type { RemoteOAuth } from '../../src/oauth/types.js';
import type { LogMeta, Logger } from '../../src/shared/log.js';

const PROMPT = 'Open this URL to sign in: ';

/**
 * Follows an authorization URL the way a browser would, redirect by redirect (the fixture approves
 * at once and redirects to the callback listener); resolves to the last status.
 */
export async function browse(url: string): Promise<number> {
  let next = url;
  for (let hop = 0; hop < 5; hop++) {
    const response = await fetch(next, { redirect: 'manual' });
    await response.arrayBuffer();
    const location = response.headers.get('location');
    if (!location) return response.status;
    next = new URL(location, next).href;
  }
  throw new Error('too many redirects');
}

/** What the stand-in browser (test/fixtures/browser.ts) recorded in `path`: the URL it got, the last status, its pid; undefined until it has. */
export function recordedVisit(path: string): { url: string; status: number | string; pid: number } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { url: string; status: number | string; pid: number };
  } catch {
    return undefined;
  }
}

/** The authorization URL in a log line or a stream of them, if any. */
export function signInUrl(text: string): string | undefined {
  const at = text.indexOf(PROMPT);
  return at < 0 ? undefined : text.slice(at + PROMPT.length).split(/\s/)[0];
}

/** A Logger recording every line (message and meta); it follows each sign-in URL it sees unless `browser` is off. */
export class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  /** Whether sign-in URLs are followed. */
  browser = true;
  /** Statuses of the followed sign-ins (200 when the callback took the code). */
  readonly visits: Promise<number>[] = [];

  private write(level: string, message: string, meta?: LogMeta): void {
    this.lines.push(`${level} ${message}${meta ? ' ' + JSON.stringify(meta) : ''}`);
    const url = signInUrl(message);
    if (url && this.browser) this.visits.push(browse(url));
  }

  debug(message: string, meta?: LogMeta): void {
    this.write('debug', message, meta);
  }
  info(message: string, meta?: LogMeta): void {
    this.write('info', message, meta);
  }
  warn(message: string, meta?: LogMeta): void {
    this.write('warn', message, meta);
  }
  error(message: string, meta?: LogMeta): void {
    this.write('error', message, meta);
  }
  child(): Logger {
    return this;
  }
  isEnabled(): boolean {
    return true;
  }

  /** Everything logged, one string. */
  get text(): string {
    return this.lines.join('\n');
  }
}

/**
 * Sends one request to the protected resource the way the remote transports do: with auth.headers(),
 * and after a 401/403 asks onUnauthorized whether to try again (at most `attempts` sign-ins, default 2).
 */
export async function call(auth: RemoteOAuth, url: string, attempts = 2): Promise<{ status: number; body: unknown }> {
  for (let signIns = 0; ; signIns++) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...(await auth.headers()), 'Content-Type': 'application/json' },
      body: '{}',
    });
    const body: unknown = await response.json().catch(() => undefined);
    if (response.status !== 401 && response.status !== 403) return { status: response.status, body };
    if (signIns >= attempts || !(await auth.onUnauthorized(response.status, response.headers.get('www-authenticate')))) {
      return { status: response.status, body };
    }
  }
}
