// The OAuth client-credentials grant for machine sign-in, with tokens kept in the shared store.
import {
  ClientCredentialsProvider,
  createPrivateKeyJwtAuth,
  discoverOAuthServerInfo,
  type AddClientAuthentication,
  type StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import type { Logger } from '../shared/log.js';
import { preRegisteredClient } from './provider.js';
import type { OAuthStore } from './store.js';
import type { OAuthOptions } from './types.js';

/**
 * The SDK's ClientCredentialsProvider with its tokens kept in the OAuthStore (so other mcp-bridge
 * processes reuse them), and with the scope of a step-up sent instead of the configured one.
 */
export class StoredClientCredentialsProvider extends ClientCredentialsProvider {
  /** The scope to ask for on the next token request (default: `--scope`). */
  requestedScope: string | undefined;
  /** Set for private_key_jwt: the SDK then signs an assertion instead of sending the secret. */
  addClientAuthentication?: AddClientAuthentication;

  constructor(
    private readonly store: OAuthStore,
    options: { clientId: string; clientSecret: string; scope?: string; expectedIssuer: string },
  ) {
    super({ ...options, clientName: 'mcp-bridge' });
    this.requestedScope = options.scope;
  }

  override async saveTokens(tokens: StoredOAuthTokens): Promise<void> {
    super.saveTokens(tokens);
    await this.store.saveTokens(tokens);
  }

  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    if (scope === 'all' || scope === 'tokens') await this.store.clearTokens();
  }

  /**
   * Authenticates at the token endpoint with a signed JWT (RFC 7523, private_key_jwt) instead of
   * the secret: iss = sub = the client id, aud = the authorization server's issuer (the SDK's default).
   */
  usePrivateKeyJwt(clientId: string, privateKeyPem: string, algorithm: string): void {
    this.addClientAuthentication = createPrivateKeyJwtAuth({ issuer: clientId, subject: clientId, privateKey: privateKeyPem, alg: algorithm });
  }

  override prepareTokenRequest(scope?: string): URLSearchParams {
    return super.prepareTokenRequest(this.requestedScope ?? scope);
  }
}

/**
 * Builds the client_credentials provider. The client's secret is sent only to the authorization
 * server `options.authorizationServerUrl` names, or else to the one the remote server's metadata
 * names (RFC 9728), looked up once here and logged.
 */
export async function createClientCredentialsProvider(
  options: OAuthOptions,
  store: OAuthStore,
  log: Logger,
  resourceMetadataUrl?: URL,
): Promise<StoredClientCredentialsProvider> {
  const client = await preRegisteredClient(options);
  if (!client) throw new Error('client credentials need a client id (--clientId, --clientSecret or --clientInfoFile)');
  // A client information file may carry a private key instead of a secret (private_key_jwt).
  const jwt = client as { private_key_pem?: unknown; token_endpoint_auth_signing_alg?: unknown; signing_algorithm?: unknown };
  const privateKeyPem = typeof jwt.private_key_pem === 'string' ? jwt.private_key_pem : undefined;
  if (!client.client_secret && !privateKeyPem) {
    throw new Error('client credentials need a client secret (--clientSecret, MCP_BRIDGE_CLIENT_SECRET or --clientInfoFile) or a private_key_pem in --clientInfoFile');
  }
  let expectedIssuer = options.authorizationServerUrl;
  if (!expectedIssuer) {
    const info = await discoverOAuthServerInfo(options.serverUrl, { resourceMetadataUrl });
    expectedIssuer = info.authorizationServerMetadata?.issuer ?? info.authorizationServerUrl;
    log.info('client credentials go to the authorization server the remote MCP server names', { issuer: expectedIssuer });
  }
  const provider = new StoredClientCredentialsProvider(store, {
    clientId: client.client_id,
    clientSecret: client.client_secret ?? '',
    expectedIssuer,
    ...(options.scope ? { scope: options.scope } : {}),
  });
  if (privateKeyPem) {
    const algorithm = String(jwt.token_endpoint_auth_signing_alg ?? jwt.signing_algorithm ?? 'ES256');
    provider.usePrivateKeyJwt(client.client_id, privateKeyPem, algorithm);
  }
  return provider;
}
