// The OAuth flags of reverse mode into the oauth client's options.
import type { OAuthOptions } from '../oauth/types.js';
import { defaultAuthDir } from '../oauth/authDir.js';
import { defaults, type RawOptions } from './flags.js';
import { invalidConfig } from './units.js';

/**
 * OAuth for the remote, on unless turned off (`--no-oauth`) or a static Authorization header is
 * configured (`--oauth2Bearer`, `MCP_API_KEY`, `--header "Authorization: …"`). The client secret
 * may come from `MCP_BRIDGE_CLIENT_SECRET`, which keeps it out of the process list.
 */
export function oauthOptions(raw: RawOptions, env: NodeJS.ProcessEnv, serverUrl: string, headers: Readonly<Record<string, string>>): OAuthOptions | undefined {
  const staticCredential = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
  if (raw.oauth === false || staticCredential) return undefined;
  const clientSecret = raw.clientSecret ?? env.MCP_BRIDGE_CLIENT_SECRET;
  const callbackPort = raw.callbackPort ?? defaults.callbackPort;
  if (!Number.isInteger(callbackPort) || callbackPort < 0 || callbackPort > 65535) invalidConfig('--callbackPort must be 0..65535');
  if (clientSecret && !raw.clientId) invalidConfig('--clientSecret needs --clientId');
  if (raw.clientCredentials && !raw.clientId && !raw.clientInfoFile) invalidConfig('--clientCredentials needs --clientId (and usually --clientSecret) or --clientInfoFile');
  // The spec (and the SDK) take a Client ID Metadata Document only from an https URL with a path.
  const metadataUrl = raw.clientMetadataUrl !== undefined && URL.canParse(raw.clientMetadataUrl) ? new URL(raw.clientMetadataUrl) : undefined;
  if (raw.clientMetadataUrl !== undefined && (metadataUrl?.protocol !== 'https:' || metadataUrl.pathname === '/')) {
    invalidConfig('--clientMetadataUrl must be an https URL with a path');
  }
  if (raw.authorizationServer !== undefined && !URL.canParse(raw.authorizationServer)) invalidConfig('--authorizationServer must be a URL');
  return {
    serverUrl,
    authDir: raw.authDir ?? defaultAuthDir(env),
    clientId: raw.clientId,
    clientSecret,
    clientInfoFile: raw.clientInfoFile,
    clientMetadataUrl: raw.clientMetadataUrl,
    clientCredentials: Boolean(raw.clientCredentials),
    noBrowser: Boolean(raw.noBrowser),
    callbackPort,
    scope: raw.scope,
    authorizationServerUrl: raw.authorizationServer,
  };
}
