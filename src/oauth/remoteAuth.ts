// The outbound OAuth client of reverse mode: reads a remote's 401 challenge and gets tokens for it
// (RemoteOAuth).
import { extractWWWAuthenticateParams } from '@modelcontextprotocol/client';
import type { Logger } from '../shared/log.js';
import { openBrowser } from './browser.js';
import { BridgeOAuthProvider, InteractionRequiredError } from './provider.js';
import { SignIn, type Run } from './signIn.js';
import { OAuthStore, type StoredTokens } from './store.js';
import type { OAuthOptions, RemoteOAuth } from './types.js';

export { logout } from './store.js';

// Renew an access token this long before it expires, so that requests never carry an expired one.
const REFRESH_AHEAD_S = 60;
// A token refused this soon after a sign-in produced it means the server refuses what it has just
// issued: signing in again would only loop, so the request fails instead.
const FRESH_MS = 60_000;
// Step-ups (403 insufficient_scope) allowed within the window; each one is a browser sign-in.
const MAX_STEP_UPS = 2;
const STEP_UP_WINDOW_MS = 10 * 60_000;

/** What a `WWW-Authenticate: Bearer …` challenge says (RFC 6750, RFC 9728). */
export interface Challenge {
  resourceMetadataUrl?: URL;
  scope?: string;
  error?: string;
}

/** Parses a WWW-Authenticate header with the SDK's parser (which reads it from a Response). */
export function parseChallenge(header: string | null): Challenge {
  if (!header) return {};
  return extractWWWAuthenticateParams(new Response(null, { status: 401, headers: { 'WWW-Authenticate': header } }));
}

function expiresWithin(tokens: StoredTokens, seconds: number): boolean {
  return tokens.expires_at !== undefined && tokens.expires_at - Date.now() / 1000 <= seconds;
}

// The SDK's stamps and metadata spell an issuer with or without one trailing slash.
function sameIssuer(a: string, b: string): boolean {
  return a.replace(/\/$/, '') === b.replace(/\/$/, '');
}

function scopes(value: string | undefined): string[] {
  return (value ?? '').split(' ').filter(Boolean);
}

class OAuthRemoteAuth implements RemoteOAuth {
  private readonly store: OAuthStore;
  private readonly provider: BridgeOAuthProvider;
  private readonly signIn: SignIn;
  private running: Promise<boolean> | undefined;
  private renewing: Promise<void> | undefined;
  // The access token the latest request carried: a 401 is about that one.
  private lastSent: string | undefined;
  // The access token this object obtained last (sign-in, refresh or client credentials), and when.
  private lastObtained: { token: string; at: number } | undefined;
  private stepUps: number[] = [];
  // False in gateway mode: only refreshes and client credentials, never a browser.
  private readonly mayAskUser: boolean;

  constructor(
    private readonly options: OAuthOptions,
    private readonly log: Logger,
  ) {
    this.store = new OAuthStore(options.serverUrl, options.authDir, log);
    this.provider = new BridgeOAuthProvider(options, this.store, log);
    this.provider.onRedirect = (url) => openBrowser(url.href, { noBrowser: options.noBrowser, log });
    this.signIn = new SignIn(options, this.store, this.provider, log);
    this.mayAskUser = options.signInCommand === undefined;
  }

  async headers(): Promise<Record<string, string>> {
    let tokens = await this.store.readTokens();
    if (tokens && expiresWithin(tokens, REFRESH_AHEAD_S) && (tokens.refresh_token || this.options.clientCredentials)) {
      await this.renew();
      tokens = await this.store.readTokens();
    }
    // An expired token is not sent: the 401 that follows starts a sign-in.
    if (!tokens || expiresWithin(tokens, 0)) return {};
    this.lastSent = tokens.access_token;
    return { Authorization: `Bearer ${tokens.access_token}` };
  }

  onUnauthorized(status: number, wwwAuthenticate: string | null): Promise<boolean> {
    this.running ??= this.react(status, parseChallenge(wwwAuthenticate)).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Renews an access token about to expire, without the user: a refresh, or a new client_credentials token. */
  private renew(): Promise<void> {
    this.renewing ??= this.locked(async () => {
      const current = await this.store.readTokens();
      if (current && !expiresWithin(current, REFRESH_AHEAD_S)) return; // another process renewed it
      await this.authorize({ interactive: false });
    })
      .catch((error: unknown) => {
        if (error instanceof InteractionRequiredError) this.log.info('the access token could not be refreshed; the next request signs in again');
        else this.log.warn('could not renew the access token ahead of its expiry', { error: (error as Error).message });
      })
      .finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async react(status: number, challenge: Challenge): Promise<boolean> {
    if (status === 403 && challenge.error !== 'insufficient_scope') {
      this.log.warn('the remote MCP server refused access (403) without asking for more scope; signing in again would not help');
      return false;
    }
    if (status !== 401 && status !== 403) return false;
    const failed = this.lastSent;
    try {
      return await this.locked(async () => {
        const current = await this.store.readTokens();
        if (current && current.access_token !== failed && !expiresWithin(current, 0) && this.covers(current, status, challenge)) {
          this.log.info('using the credentials obtained meanwhile by another request or mcp-bridge process');
          return true;
        }
        if (status === 403) return this.stepUp(challenge, current);
        // A token obtained moments ago and already refused: a refresh may still help, a new sign-in would
        // only loop — unless the server now names another authorization server (SEP-2352).
        const fresh = failed !== undefined && this.lastObtained?.token === failed && Date.now() - this.lastObtained.at < FRESH_MS;
        const run = { scope: challenge.scope, resourceMetadataUrl: challenge.resourceMetadataUrl };
        try {
          return await this.authorize({ interactive: !fresh && this.mayAskUser, ...run });
        } catch (error) {
          if (!(error instanceof InteractionRequiredError)) throw error;
          if (!this.mayAskUser) return this.needsSignInAhead('a sign-in');
          if (this.movedFrom(current)) return this.authorize({ interactive: true, ...run });
          this.log.error('the remote MCP server refused the credentials it has just issued; not signing in again', { status });
          return false;
        }
      });
    } catch (error) {
      this.log.error('signing in to the remote MCP server failed', { error: (error as Error).message });
      return false;
    }
  }

  // After a 403, another process's token helps only if it holds the scope asked for.
  private covers(tokens: StoredTokens, status: number, challenge: Challenge): boolean {
    if (status !== 403) return true;
    const granted = new Set(scopes(tokens.scope));
    return scopes(challenge.scope).every((scope) => granted.has(scope));
  }

  private async stepUp(challenge: Challenge, current: StoredTokens | undefined): Promise<boolean> {
    if (!challenge.scope || (current && this.covers(current, 403, challenge))) {
      // Asking again for what the token already holds would get the same answer.
      this.log.error('the remote MCP server refused access (403 insufficient_scope) without naming a scope the token lacks', { scope: challenge.scope });
      return false;
    }
    if (!this.mayAskUser) return this.needsSignInAhead(`a sign-in with more scope (${challenge.scope})`);
    const now = Date.now();
    this.stepUps = this.stepUps.filter((at) => now - at < STEP_UP_WINDOW_MS);
    if (this.stepUps.length >= MAX_STEP_UPS) {
      this.log.error('the remote MCP server keeps asking for more scope; not signing in again for now', { stepUps: MAX_STEP_UPS });
      return false;
    }
    this.stepUps.push(now);
    // What was granted stays asked for: a step-up must not lose the scope earlier requests needed.
    const scope = [...new Set([...scopes(current?.scope), ...scopes(challenge.scope), ...scopes(this.options.scope)])].join(' ') || undefined;
    this.log.info('the remote MCP server needs more scope; signing in again', { scope });
    return this.authorize({ interactive: true, scope, resourceMetadataUrl: challenge.resourceMetadataUrl, stepUp: true });
  }

  /** Where no person can sign in: the request fails, and the log tells the operator how to sign in ahead of time. */
  private needsSignInAhead(what: string): boolean {
    this.log.error(`the remote MCP server needs ${what}, which needs a person and a browser; sign in ahead of time, then retry`, { run: this.options.signInCommand });
    return false;
  }

  /** One run of the SDK's auth() (see signIn.ts), remembering the token it obtained. */
  private async authorize(run: Run): Promise<boolean> {
    const result = await this.signIn.authorize(run);
    await this.noteObtained();
    return result;
  }

  // Whether the latest discovery found another authorization server than the one that issued `tokens`.
  private movedFrom(tokens: StoredTokens | undefined): boolean {
    const now = this.provider.discoveredIssuer();
    if (!tokens?.issuer || !now || sameIssuer(tokens.issuer, now)) return false;
    this.log.info('the remote MCP server names another authorization server now; signing in there', { from: tokens.issuer, to: now });
    return true;
  }

  private async noteObtained(): Promise<void> {
    const tokens = await this.store.readTokens();
    if (tokens) this.lastObtained = { token: tokens.access_token, at: Date.now() };
  }

  private async locked<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.store.lock();
    try {
      return await work();
    } finally {
      await release();
    }
  }
}

/**
 * OAuth 2.1 for one remote MCP server, built on the SDK's auth(): stored tokens on every request
 * (refreshed 60 s before they expire), and on a 401/403 a refresh, a browser sign-in or a scope
 * step-up, serialized across processes by the store's lock. Never logs tokens, codes or secrets.
 */
export function createRemoteOAuth(options: OAuthOptions, log: Logger): RemoteOAuth {
  return new OAuthRemoteAuth(options, log.child({ component: 'oauth' }));
}
