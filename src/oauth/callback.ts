// The local redirect listener that receives the authorization code at the end of a browser sign-in.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../shared/log.js';

/** Options of the local redirect listener. */
export interface CallbackOptions {
  /** The port to try first (0: any free port). */
  readonly preferredPort: number;
  /**
   * Whether a busy preferred port is replaced by any free one (default true). False for a client whose
   * redirect URIs are fixed (pre-registered, or a metadata document): starting then waits for the port
   * (`busyWaitMs`), and fails with a clear message if it stays busy.
   */
  readonly fallback?: boolean;
  /** Without fallback: how long a busy preferred port is waited for, polled every 250 ms (default 2 min). */
  readonly busyWaitMs?: number;
  /** The `state` the authorization request carried, read when the browser arrives; undefined (no request yet) refuses every callback. */
  readonly expectedState: () => string | undefined;
  /**
   * Checks the answer's `iss` (RFC 9207; undefined when absent) before anything else of it is used;
   * false fails the sign-in without showing the answer's error text (default: every answer passes).
   */
  readonly verifyIssuer?: (iss: string | undefined) => boolean;
  /** How long to wait for the browser (default 5 min). */
  readonly timeoutMs?: number;
  readonly log: Logger;
}

/** What the authorization server's answer carried. */
export interface AuthorizationResponse {
  readonly code: string;
  /** The issuer it names (RFC 9207), if any. */
  readonly iss?: string;
}

/** The listener the browser is sent back to after signing in. */
export interface CallbackListener {
  /** The redirect URI, `http://127.0.0.1:PORT/callback`. */
  readonly url: string;
  /** Resolves to the authorization code and `iss`; rejects on an `error=` answer, a wrong `iss`, on timeout, or when closed first. */
  waitForCode(): Promise<AuthorizationResponse>;
  /** Stops listening (idempotent). */
  close(): Promise<void>;
}

const CALLBACK_PATH = '/callback';

function page(title: string, text: string): string {
  const escape = (value: string): string => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title></head><body style="font-family:sans-serif"><h1>${escape(title)}</h1><p>${escape(text)}</p></body></html>`;
}

// What the authorization server says in error_description is shown to the user: printable and short.
function printable(value: string | null): string {
  return (value ?? '').replace(/[^\x20-\x7e]/g, ' ').slice(0, 200);
}

const BUSY_POLL_MS = 250;

function isBusy(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    // Loopback only: the code must not be reachable from the network.
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Waits for a busy fixed port (another mcp-bridge signing in with the same client, as when a desktop
 * client starts several at once), saying so on the log; bounded by `busyWaitMs`.
 */
async function waitForPort(server: Server, { preferredPort, busyWaitMs = 120_000, log }: CallbackOptions): Promise<number> {
  const bound = busyWaitMs < 1000 ? `${busyWaitMs} ms` : `${Math.round(busyWaitMs / 1000)} s`;
  log.warn(`the sign-in callback port ${preferredPort} is busy (another sign-in?), and the client's redirect URI is fixed to it; waiting up to ${bound} for it`);
  const deadline = Date.now() + busyWaitMs;
  for (;;) {
    // Not unref'd: during `mcp-bridge auth` nothing else may keep the process alive while it waits.
    await new Promise((resolve) => setTimeout(resolve, BUSY_POLL_MS));
    try {
      const port = await listen(server, preferredPort);
      log.info(`the sign-in callback port ${preferredPort} is free now`);
      return port;
    } catch (error) {
      if (!isBusy(error)) throw error;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `the sign-in callback port ${preferredPort} is still busy after ${bound}, and the client's redirect URI is fixed to it: ` +
          'free the port, or pass --callbackPort with the port the client is registered for (--callbackPort 0 when the authorization server accepts any loopback port)',
      );
    }
  }
}

/** Binds the preferred port; when it is busy, any free port (fallback) or, for fixed redirect URIs, the same port once it is free. */
async function bind(server: Server, options: CallbackOptions): Promise<number> {
  try {
    return await listen(server, options.preferredPort);
  } catch (error) {
    if (!isBusy(error) || options.preferredPort === 0) throw error;
  }
  if (options.fallback === false) return waitForPort(server, options);
  const port = await listen(server, 0);
  // A dynamically registered client registers this URL again (see provider.ts), so the server knows it.
  options.log.warn(`the sign-in callback port ${options.preferredPort} is busy; using ${port}`);
  return port;
}

/**
 * Starts the redirect listener on 127.0.0.1: the preferred port, or when that one is busy any free
 * port, or (with `fallback` false) the preferred one once it is free. A different port works with
 * clients registered dynamically, which register the actual URL, and with authorization servers that
 * follow RFC 8252 §7.3 (any port for loopback redirect URIs).
 */
export async function startCallbackListener(options: CallbackOptions): Promise<CallbackListener> {
  const { log, timeoutMs = 300_000 } = options;
  let settle: { resolve: (response: AuthorizationResponse) => void; reject: (error: Error) => void } | undefined;
  const result = new Promise<AuthorizationResponse>((resolve, reject) => (settle = { resolve, reject }));
  result.catch(() => undefined); // nobody may wait (a refresh worked): no unhandled rejection
  let done = false;
  const finish = (outcome: AuthorizationResponse | Error): void => {
    if (done) return;
    done = true;
    if (outcome instanceof Error) settle!.reject(outcome);
    else settle!.resolve(outcome);
    void close();
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found');
      return;
    }
    const expected = options.expectedState();
    const state = url.searchParams.get('state');
    if (done || expected === undefined || state !== expected) {
      // Another page may try to plant its own code: without our state, it is answered and ignored.
      log.warn('the sign-in callback carried an unexpected state; ignoring it');
      res.writeHead(400, { 'Content-Type': 'text/html; charset=utf-8' }).end(page('Sign-in failed', 'This sign-in link is not the one mcp-bridge is waiting for.'));
      return;
    }
    const iss = url.searchParams.get('iss') ?? undefined;
    if (options.verifyIssuer && !options.verifyIssuer(iss)) {
      // A mix-up attack (RFC 9207): this answer's code and error text come from another server.
      res.writeHead(400, { 'Content-Type': 'text/html; charset=utf-8', Connection: 'close' }).end(page('Sign-in failed', 'The answer did not come from the authorization server mcp-bridge asked. You can close this window.'));
      finish(new Error('the sign-in answer did not come from the expected authorization server (RFC 9207 iss check)'));
      return;
    }
    const error = url.searchParams.get('error');
    const code = url.searchParams.get('code');
    if (error || !code) {
      const detail = error ? `${printable(error)}${url.searchParams.get('error_description') ? ': ' + printable(url.searchParams.get('error_description')) : ''}` : 'no code';
      res.writeHead(400, { 'Content-Type': 'text/html; charset=utf-8', Connection: 'close' }).end(page('Sign-in failed', `The authorization server answered: ${detail}. You can close this window.`));
      finish(new Error(`the authorization server refused the sign-in (${detail})`));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', Connection: 'close' }).end(page('Signed in', 'mcp-bridge is signed in. You can close this window.'));
    finish({ code, ...(iss === undefined ? {} : { iss }) });
  };

  const server = createServer(handle);
  const port = await bind(server, options);
  const timer = setTimeout(() => finish(new Error(`no sign-in completed within ${Math.round(timeoutMs / 1000)} s; try again`)), timeoutMs);
  timer.unref();

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      clearTimeout(timer);
      if (!done) finish(new Error('the sign-in was abandoned'));
      server.close(() => resolve());
      // The browser's answer is written before this; a connection still open after a moment is cut.
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 1_000).unref();
    });
    return closing;
  }

  return { url: `http://127.0.0.1:${port}${CALLBACK_PATH}`, waitForCode: () => result, close };
}
