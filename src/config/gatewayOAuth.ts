// OAuth for a gateway's remote entries: on unless the entry sends its own Authorization header or its
// overrides say `"oauth": false`; never interactive, so the operator signs in ahead of time with
// `mcp-bridge auth --config FILE --server NAME`, or the entry uses client credentials.
import { quote } from 'shell-quote';
import type { OAuthOptions } from '../oauth/types.js';
import type { RawOptions } from './flags.js';
import type { OAuthOverride } from './fileSchema.js';
import { oauthOptions } from './oauth.js';

/** What the flags give every remote entry's OAuth: where tokens live and how an interactive `auth` run reaches the browser. */
export type GatewayOAuthFlags = Pick<RawOptions, 'authDir' | 'noBrowser' | 'callbackPort'>;

/** The flags' part of RawOptions that gateway OAuth takes. */
export function gatewayOAuthFlags(raw: RawOptions): GatewayOAuthFlags {
  return { authDir: raw.authDir, noBrowser: raw.noBrowser, callbackPort: raw.callbackPort };
}

/**
 * The OAuth options of remote entry `name` of the file at `configPath`, or undefined when OAuth is
 * off for it. The environment is not consulted for a client secret: one gateway serves many remotes,
 * so each entry names its own (`${VAR}` in the file keeps it out of it). Throws CONFIG_INVALID.
 */
export function entryOAuth(
  entry: { name: string; url: string; headers: Readonly<Record<string, string>> },
  override: OAuthOverride | undefined,
  flags: GatewayOAuthFlags,
  configPath: string,
  env: NodeJS.ProcessEnv,
): OAuthOptions | undefined {
  if (override === false) return undefined;
  const raw: RawOptions = { ...flags, ...override, authDir: flags.authDir };
  const options = oauthOptions(raw, { ...env, MCP_BRIDGE_CLIENT_SECRET: undefined }, entry.url, entry.headers);
  return options && { ...options, signInCommand: quote(['mcp-bridge', 'auth', '--config', configPath, '--server', entry.name]) };
}
