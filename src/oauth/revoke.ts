// Signing out: revokes the stored tokens at the authorization server (RFC 7009) and forgets them.
import {
  createPrivateKeyJwtAuth,
  discoverAuthorizationServerMetadata,
  discoverOAuthServerInfo,
  selectClientAuthMethod,
  type AuthorizationServerMetadata,
  type FetchLike,
  type OAuthClientInformationMixed,
} from '@modelcontextprotocol/client';
import type { Logger } from '../shared/log.js';
import { preRegisteredClient } from './provider.js';
import { OAuthStore, logout } from './store.js';
import type { OAuthOptions } from './types.js';

// Each request of signing out (discovery, revocation) may take this long: a slow server never holds it up for more.
const REVOKE_TIMEOUT_MS = 5_000;

const boundedFetch: FetchLike = (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(REVOKE_TIMEOUT_MS) });

/** RFC 7009 metadata (RFC 8414 names it; OpenID discovery documents may carry it too). */
interface Revocation {
  revocation_endpoint?: string;
  revocation_endpoint_auth_methods_supported?: string[];
}

/** The authorization server that issued `issuer`'s tokens, or else the one the remote server names now. */
async function authorizationServer(options: OAuthOptions, issuer: string | undefined): Promise<AuthorizationServerMetadata | undefined> {
  if (issuer) return discoverAuthorizationServerMetadata(issuer, { fetchFn: boundedFetch });
  return (await discoverOAuthServerInfo(options.serverUrl, { fetchFn: boundedFetch })).authorizationServerMetadata;
}

/** Adds the client's authentication to a revocation request, the way it authenticates at the token endpoint. */
async function authenticate(client: OAuthClientInformationMixed, metadata: AuthorizationServerMetadata, headers: Headers, body: URLSearchParams): Promise<void> {
  const key = (client as { private_key_pem?: unknown; token_endpoint_auth_signing_alg?: unknown }).private_key_pem;
  if (typeof key === 'string') {
    const alg = String((client as { token_endpoint_auth_signing_alg?: unknown }).token_endpoint_auth_signing_alg ?? 'ES256');
    await createPrivateKeyJwtAuth({ issuer: client.client_id, subject: client.client_id, privateKey: key, alg })(headers, body, (metadata as Revocation).revocation_endpoint!, metadata);
    return;
  }
  const method = selectClientAuthMethod(client, (metadata as Revocation).revocation_endpoint_auth_methods_supported ?? metadata.token_endpoint_auth_methods_supported ?? []);
  if (method === 'client_secret_basic' && client.client_secret) headers.set('Authorization', `Basic ${btoa(`${client.client_id}:${client.client_secret}`)}`);
  else {
    body.set('client_id', client.client_id);
    if (method === 'client_secret_post' && client.client_secret) body.set('client_secret', client.client_secret);
  }
}

/** One RFC 7009 request; resolves to the HTTP status (200 also for a token the server no longer knows). */
async function revokeOne(
  endpoint: string,
  token: string,
  hint: 'refresh_token' | 'access_token',
  client: OAuthClientInformationMixed | undefined,
  metadata: AuthorizationServerMetadata,
): Promise<number> {
  const headers = new Headers({ 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' });
  const body = new URLSearchParams({ token, token_type_hint: hint });
  if (client) await authenticate(client, metadata, headers, body);
  const response = await boundedFetch(endpoint, { method: 'POST', headers, body });
  await response.arrayBuffer().catch(() => undefined);
  return response.status;
}

/**
 * Signs out of one remote server: revokes its stored tokens at the authorization server when that
 * advertises a revocation endpoint (RFC 7009; the refresh token first, as revoking it usually ends
 * the access token too), best effort, then forgets everything stored for the server. Resolves true
 * when something was stored. Never logs a token.
 */
export async function signOut(options: OAuthOptions, log: Logger): Promise<boolean> {
  const store = new OAuthStore(options.serverUrl, options.authDir, log);
  const tokens = await store.readTokens();
  if (tokens) {
    try {
      const metadata = await authorizationServer(options, tokens.issuer);
      const endpoint = (metadata as Revocation | undefined)?.revocation_endpoint;
      if (!metadata || !endpoint) {
        log.info('the authorization server offers no token revocation; the tokens are only forgotten here');
      } else {
        const client = (await preRegisteredClient(options)) ?? (await store.readClient(metadata.issuer));
        const kinds = [['refresh_token', tokens.refresh_token], ['access_token', tokens.access_token]] as const;
        for (const [hint, token] of kinds) {
          if (!token) continue;
          const status = await revokeOne(endpoint, token, hint, client, metadata);
          if (status === 200) log.info(`revoked the ${hint.replace('_', ' ')} at the authorization server`);
          else log.warn(`the authorization server did not revoke the ${hint.replace('_', ' ')}; forgetting it anyway`, { status });
        }
      }
    } catch (error) {
      log.warn('could not revoke the tokens at the authorization server; forgetting them anyway', { error: (error as Error).message });
    }
  }
  return logout(options.serverUrl, options.authDir);
}
