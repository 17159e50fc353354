// One interactive sign-in: browser, callback listener and code exchange, with a time bound.
import { auth, validateAuthorizationResponseIssuer, type AuthOptions as SdkAuthOptions } from '@modelcontextprotocol/client';
import type { Logger } from '../shared/log.js';
import { startCallbackListener } from './callback.js';
import { createClientCredentialsProvider, type StoredClientCredentialsProvider } from './clientCredentials.js';
import { InteractionRequiredError, type BridgeOAuthProvider } from './provider.js';
import type { OAuthStore } from './store.js';
import type { OAuthOptions } from './types.js';

/** One sign-in as the caller wants it. */
export interface Run {
  /** Whether the user may be sent to the browser (false: a refresh or nothing). */
  readonly interactive: boolean;
  readonly scope?: string;
  readonly resourceMetadataUrl?: URL;
  /** Authorize anew even when a refresh token exists (a refresh never widens the scope). */
  readonly stepUp?: boolean;
}

/**
 * Runs the SDK's auth() (v2, which implements spec 2026-07-28: RFC 9207 `iss` checks, the RFC 8414
 * issuer echo, credentials bound to their authorization server, `application_type`, `offline_access`)
 * for one Run: discovery anew every time (so a server that moved to another authorization server is
 * followed), then a refresh, a browser sign-in through the callback listener, or the client_credentials grant.
 */
export class SignIn {
  private machine: Promise<StoredClientCredentialsProvider> | undefined;

  constructor(
    private readonly options: OAuthOptions,
    private readonly store: OAuthStore,
    private readonly provider: BridgeOAuthProvider,
    private readonly log: Logger,
  ) {}

  /** Resolves true when tokens were obtained; throws InteractionRequiredError when a non-interactive run needs the user. */
  async authorize(run: Run): Promise<boolean> {
    if (this.options.clientCredentials) return this.authorizeMachine(run);
    const provider = this.provider;
    const base: SdkAuthOptions = { serverUrl: this.options.serverUrl, scope: run.scope, resourceMetadataUrl: run.resourceMetadataUrl };
    await provider.invalidateCredentials('discovery');
    if (!run.interactive) {
      provider.interactive = false;
      return (await auth(provider, base)) === 'AUTHORIZED';
    }
    // Listening before auth() runs: the browser may come back as soon as it is opened.
    const listener = await startCallbackListener({
      preferredPort: this.options.callbackPort,
      // A pre-registered or URL-based client has fixed redirect URIs: another port would be refused.
      fallback: !(this.options.clientId || this.options.clientInfoFile || this.options.clientMetadataUrl),
      expectedState: () => provider.expectedState,
      verifyIssuer: (iss) => this.verifyIssuer(iss),
      log: this.log,
    });
    provider.redirectTo = listener.url;
    try {
      if (!run.stepUp && (await this.refreshOnly(base))) return true;
      provider.interactive = true;
      // A refresh was tried above (or cannot widen the scope of a step-up): straight to the browser.
      if ((await auth(provider, { ...base, forceReauthorization: true })) === 'AUTHORIZED') return true;
      const { code, iss } = await listener.waitForCode();
      const result = await auth(provider, { ...base, authorizationCode: code, iss });
      this.log.info('signed in to the remote MCP server');
      return result === 'AUTHORIZED';
    } finally {
      provider.interactive = false;
      provider.expectedState = undefined;
      await listener.close();
    }
  }

  /** A refresh (or nothing) without the user; false when signing in needs the browser. */
  private async refreshOnly(base: SdkAuthOptions): Promise<boolean> {
    this.provider.interactive = false;
    try {
      return (await auth(this.provider, base)) === 'AUTHORIZED';
    } catch (error) {
      if (error instanceof InteractionRequiredError) return false;
      throw error;
    }
  }

  /**
   * RFC 9207 on the callback, before any code is redeemed: an `iss` must equal the recorded issuer
   * exactly, and must be there when the authorization server advertises it. The SDK checks again.
   */
  private verifyIssuer(iss: string | undefined): boolean {
    const metadata = this.provider.discoveryState()?.authorizationServerMetadata;
    try {
      validateAuthorizationResponseIssuer({
        iss,
        expectedIssuer: metadata?.issuer,
        issParameterSupported: metadata?.authorization_response_iss_parameter_supported === true,
      });
      return true;
    } catch {
      this.log.error('the sign-in answer did not come from the authorization server mcp-bridge asked (RFC 9207 iss check); ignoring its code', {
        expectedIssuer: metadata?.issuer,
        iss: iss ?? '(missing)',
      });
      return false;
    }
  }

  private async authorizeMachine(run: Run): Promise<boolean> {
    this.machine ??= createClientCredentialsProvider(this.options, this.store, this.log, run.resourceMetadataUrl).catch((error: unknown) => {
      this.machine = undefined;
      throw error;
    });
    const provider = await this.machine;
    if (run.scope) provider.requestedScope = run.scope;
    const result = await auth(provider, { serverUrl: this.options.serverUrl, scope: run.scope, resourceMetadataUrl: run.resourceMetadataUrl });
    return result === 'AUTHORIZED';
  }
}
