import type { AuthOptions } from './auth/types.js';
import { defaultAuthDir } from './auth/authDir.js';
import { BridgeError } from './errors.js';

/** The OAuth flags of reverse mode, as the CLI read them. */
export interface AuthRawOptions {
  oauth?: boolean;
  authDir?: string;
  clientId?: string;
  clientSecret?: string;
  clientInfoFile?: string;
  clientMetadataUrl?: string;
  clientCredentials?: boolean;
  noBrowser?: boolean;
  callbackPort?: number;
  scope?: string;
}

/** Defaults of the OAuth flags (shown by --help). */
export const authDefaults = { callbackPort: 33418 } as const;

function fail(detail: string): never {
  throw new BridgeError('CONFIG_INVALID', detail);
}

/**
 * OAuth for the remote, on unless turned off (`--no-oauth`) or a static Authorization header is
 * configured (`--oauth2Bearer`, `MCP_API_KEY`, `--header "Authorization: …"`). The client secret
 * may come from `MCP_BRIDGE_CLIENT_SECRET`, which keeps it out of the process list.
 */
export function authOptions(raw: AuthRawOptions, env: NodeJS.ProcessEnv, serverUrl: string, headers: Readonly<Record<string, string>>): AuthOptions | undefined {
  const staticCredential = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
  if (raw.oauth === false || staticCredential) return undefined;
  const clientSecret = raw.clientSecret ?? env.MCP_BRIDGE_CLIENT_SECRET;
  const callbackPort = raw.callbackPort ?? authDefaults.callbackPort;
  if (!Number.isInteger(callbackPort) || callbackPort < 0 || callbackPort > 65535) fail('--callbackPort must be 0..65535');
  if (clientSecret && !raw.clientId) fail('--clientSecret needs --clientId');
  if (raw.clientCredentials && !raw.clientId && !raw.clientInfoFile) fail('--clientCredentials needs --clientId (and usually --clientSecret) or --clientInfoFile');
  if (raw.clientMetadataUrl !== undefined && !/^https?:$/.test(URL.canParse(raw.clientMetadataUrl) ? new URL(raw.clientMetadataUrl).protocol : '')) {
    fail('--clientMetadataUrl must be an http(s) URL');
  }
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
  };
}
