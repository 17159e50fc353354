import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { OAuthClientProvider, OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { Logger } from '../log.js';
import type { AuthStore } from './store.js';
import type { AuthOptions } from './types.js';

/** Thrown by redirectToAuthorization when the current run may not involve the user (a background refresh). */
export class InteractionRequiredError extends Error {
  constructor() {
    super('signing in again needs the user');
    this.name = 'InteractionRequiredError';
  }
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
export async function preRegisteredClient(options: AuthOptions): Promise<OAuthClientInformationMixed | undefined> {
  if (options.clientId) return { client_id: options.clientId, ...(options.clientSecret ? { client_secret: options.clientSecret } : {}) };
  if (options.clientInfoFile) return readClientInfoFile(options.clientInfoFile);
  return undefined;
}

/**
 * The SDK's OAuthClientProvider for the authorization code flow, backed by the AuthStore: tokens and
 * a dynamically registered client live on disk (shared by every mcp-bridge for this server), while
 * the PKCE verifier, state and discovery results live in memory for the one sign-in that needs them.
 */
export class BridgeOAuthProvider implements OAuthClientProvider {
  /** The redirect URI: the callback listener's URL during a sign-in, else the preferred port's. */
  redirectTo: string;
  /** False during a background refresh: a sign-in then fails with InteractionRequiredError instead of opening a browser. */
  interactive = false;
  /** True during a step-up: stored tokens are hidden, so the SDK authorizes anew instead of refreshing. */
  hideTokens = false;
  /** The `state` of the pending authorization request. */
  expectedState: string | undefined;
  /** Called with the authorization URL when the user must sign in (opens the browser). */
  onRedirect: (url: URL) => void | Promise<void> = () => undefined;
  readonly clientMetadataUrl: string | undefined;
  private verifier: string | undefined;
  private discovery: OAuthDiscoveryState | undefined;
  private preRegistered: Promise<OAuthClientInformationMixed | undefined> | undefined;

  constructor(
    private readonly options: AuthOptions,
    private readonly store: AuthStore,
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

  /** What dynamic registration sends: a public client ("none") unless a secret is configured. */
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'mcp-bridge',
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

  /** The pre-registered client (flags or file) when configured, else the stored registration. */
  async clientInformation(): Promise<OAuthClientInformationMixed | undefined> {
    return (await this.preRegisteredClient()) ?? (await this.store.readClient());
  }

  async saveClientInformation(client: OAuthClientInformationMixed): Promise<void> {
    // A pre-registered client comes from the configuration every time; only registrations made here are kept.
    if (await this.preRegisteredClient()) return;
    await this.store.saveClient(client);
    this.log.info(this.clientMetadataUrl && client.client_id === this.clientMetadataUrl ? 'using the client ID metadata document URL as client_id' : 'registered mcp-bridge with the authorization server');
  }

  async tokens(): Promise<OAuthTokens | undefined> {
    return this.hideTokens ? undefined : this.store.readTokens();
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
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

  /** Called by the SDK when the server refuses stored credentials (invalid_grant → tokens, invalid_client → all). */
  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    if (scope === 'all' || scope === 'tokens') {
      this.log.info('the authorization server refused the stored credentials; forgetting them', { what: scope });
      await this.store.clearTokens();
    }
    if ((scope === 'all' || scope === 'client') && !(await this.preRegisteredClient())) await this.store.clearClient();
    if (scope === 'all' || scope === 'verifier') this.verifier = undefined;
    if (scope === 'all' || scope === 'discovery') this.discovery = undefined;
  }
}
