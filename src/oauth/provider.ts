// The SDK OAuthClientProvider of the reverse bridge: client registration, tokens from the store,
// and the interactive sign-in.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type {
  OAuthClientInformationContext,
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthClientProvider,
  OAuthDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import type { Logger } from '../shared/log.js';
import type { OAuthStore } from './store.js';
import type { OAuthOptions } from './types.js';

/** Thrown by redirectToAuthorization when the current run may not involve the user (a background refresh). */
export class InteractionRequiredError extends Error {
  constructor() {
    super('signing in again needs the user');
    this.name = 'InteractionRequiredError';
  }
}

/** Whether a dynamic registration lists redirect URIs, none of them `redirectUri`. */
function registeredElsewhere(client: StoredOAuthClientInformation, redirectUri: string): boolean {
  const uris = (client as { redirect_uris?: unknown }).redirect_uris;
  return Array.isArray(uris) && uris.length > 0 && !uris.includes(redirectUri);
}

/** Reads a pre-registered client from `--clientInfoFile` (JSON with at least client_id). */
export async function readClientInfoFile(path: string): Promise<OAuthClientInformationMixed> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    // The message of a JSON error quotes the content, which may hold the secret: only say what failed.
    throw new Error(`cannot read the client information file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'not valid JSON'}`);
  }
  if (value === null || typeof value !== 'object' || typeof (value as { client_id?: unknown }).client_id !== 'string') {
    throw new Error(`the client information file ${path} holds no client_id`);
  }
  return value as OAuthClientInformationMixed;
}

/** The pre-registered client given by flags (which win) or by `--clientInfoFile`, or undefined. */
export async function preRegisteredClient(options: OAuthOptions): Promise<OAuthClientInformationMixed | undefined> {
  if (options.clientId) return { client_id: options.clientId, ...(options.clientSecret ? { client_secret: options.clientSecret } : {}) };
  if (options.clientInfoFile) return readClientInfoFile(options.clientInfoFile);
  return undefined;
}

/**
 * The SDK's (v2, spec 2026-07-28) OAuthClientProvider for the authorization code flow, backed by the
 * OAuthStore: tokens and the client registrations (one per authorization server) live on disk, shared
 * by every mcp-bridge for this server, while the PKCE verifier, state and discovery results live in
 * memory for the one sign-in that needs them.
 */
export class BridgeOAuthProvider implements OAuthClientProvider {
  /** The redirect URI: the callback listener's URL during a sign-in, else the preferred port's. */
  redirectTo: string;
  /** False during a background refresh: a sign-in then fails with InteractionRequiredError instead of opening a browser. */
  interactive = false;
  /** The `state` of the pending authorization request. */
  expectedState: string | undefined;
  /** Called with the authorization URL when the user must sign in (opens the browser). */
  onRedirect: (url: URL) => void | Promise<void> = () => undefined;
  readonly clientMetadataUrl: string | undefined;
  private verifier: string | undefined;
  private discovery: OAuthDiscoveryState | undefined;
  // The authorization server of the latest clientInformation() call: the one invalidateCredentials('client') is about.
  private issuer: string | undefined;
  private preRegistered: Promise<OAuthClientInformationMixed | undefined> | undefined;

  constructor(
    private readonly options: OAuthOptions,
    private readonly store: OAuthStore,
    private readonly log: Logger,
  ) {
    this.redirectTo = `http://127.0.0.1:${options.callbackPort}/callback`;
    this.clientMetadataUrl = options.clientMetadataUrl;
  }

  private preRegisteredClient(): Promise<OAuthClientInformationMixed | undefined> {
    this.preRegistered ??= preRegisteredClient(this.options);
    return this.preRegistered;
  }

  get redirectUrl(): string {
    return this.redirectTo;
  }

  /**
   * What dynamic registration sends: a native application (SEP-837; its redirect URI is a loopback
   * one) and a public client ("none") unless a secret is configured. With `refresh_token` among the
   * grant types the SDK also asks for `offline_access` when the authorization server lists it (SEP-2207).
   */
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'mcp-bridge',
      application_type: 'native',
      redirect_uris: [this.redirectTo],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: this.options.clientSecret ? 'client_secret_basic' : 'none',
      ...(this.options.scope ? { scope: this.options.scope } : {}),
    };
  }

  /** A fresh random state per authorization request (32 bytes, base64url). */
  state(): string {
    this.expectedState = randomBytes(32).toString('base64url');
    return this.expectedState;
  }

  /**
   * The pre-registered client (flags or file) when configured, bound to the authorization server at
   * hand; else the registration stored for that server. During a sign-in, a dynamic registration made
   * for another redirect URI (another callback port) is not used, so the SDK registers again.
   */
  async clientInformation(ctx?: OAuthClientInformationContext): Promise<StoredOAuthClientInformation | undefined> {
    this.issuer = ctx?.issuer;
    const configured = await this.preRegisteredClient();
    if (configured) return ctx ? { ...configured, issuer: ctx.issuer } : configured;
    if (!ctx) return undefined;
    const stored = await this.store.readClient(ctx.issuer);
    if (stored && this.interactive && registeredElsewhere(stored, this.redirectTo)) {
      this.log.info('the stored client registration names another callback URL; registering again');
      return undefined;
    }
    return stored;
  }

  async saveClientInformation(client: StoredOAuthClientInformation, ctx?: OAuthClientInformationContext): Promise<void> {
    // A pre-registered client comes from the configuration every time; only registrations made here are kept.
    if (await this.preRegisteredClient()) return;
    const issuer = ctx?.issuer ?? client.issuer;
    if (!issuer) return;
    const known = await this.store.readClient(issuer);
    await this.store.saveClient(issuer, client);
    if (known?.client_id === client.client_id) return; // only the issuer stamp was added
    this.log.info(this.clientMetadataUrl && client.client_id === this.clientMetadataUrl ? 'using the client ID metadata document URL as client_id' : 'registered mcp-bridge with the authorization server', {
      issuer,
    });
  }

  async tokens(): Promise<StoredOAuthTokens | undefined> {
    return this.store.readTokens();
  }

  async saveTokens(tokens: StoredOAuthTokens): Promise<void> {
    await this.store.saveTokens(tokens);
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    if (!this.interactive) throw new InteractionRequiredError();
    await this.onRedirect(authorizationUrl);
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.verifier = codeVerifier;
  }

  codeVerifier(): string {
    if (!this.verifier) throw new Error('no sign-in is in progress (no PKCE code verifier)');
    return this.verifier;
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }

  /**
   * The issuer of the authorization server the latest discovery found (its metadata's `issuer`, else
   * the URL discovery used), or undefined before any discovery.
   */
  discoveredIssuer(): string | undefined {
    return this.discovery?.authorizationServerMetadata?.issuer ?? this.discovery?.authorizationServerUrl;
  }

  /** Called by the SDK when the server refuses stored credentials (invalid_grant → tokens, invalid_client → all). */
  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    if (scope === 'all' || scope === 'tokens') {
      this.log.info('the authorization server refused the stored credentials; forgetting them', { what: scope });
      await this.store.clearTokens();
    }
    if ((scope === 'all' || scope === 'client') && this.issuer && !(await this.preRegisteredClient())) await this.store.clearClient(this.issuer);
    if (scope === 'all' || scope === 'verifier') this.verifier = undefined;
    if (scope === 'all' || scope === 'discovery') this.discovery = undefined;
  }
}
