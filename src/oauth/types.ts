/** How the reverse bridge signs in to a remote MCP server that requires OAuth 2.1 (issue 5). */
export interface OAuthOptions {
  /** The remote MCP server URL (the protected resource). */
  readonly serverUrl: string;
  /** Where tokens and client registrations live (default: $MCP_BRIDGE_AUTH_DIR, else the user's config dir /mcp-bridge/auth). */
  readonly authDir: string;
  /** A pre-registered client (`--clientId`, `--clientSecret`). */
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** A JSON file holding a pre-registered client's information (`--clientInfoFile`). */
  readonly clientInfoFile?: string;
  /** A Client ID Metadata Document URL used as client_id (`--clientMetadataUrl`). */
  readonly clientMetadataUrl?: string;
  /** Use the client_credentials grant (machine clients; needs clientId + clientSecret). */
  readonly clientCredentials: boolean;
  /** Print the authorization URL to stderr instead of opening a browser (`--noBrowser`, or no display). */
  readonly noBrowser: boolean;
  /** Preferred port of the local callback listener on 127.0.0.1 (default 33418; another free port if busy). */
  readonly callbackPort: number;
  /** Scopes to ask for when the server names none (`--scope`). */
  readonly scope?: string;
  /**
   * With `clientCredentials`: the only authorization server the client secret is sent to (its issuer URL).
   * Default: the one the remote server's protected resource metadata names, looked up at the first sign-in.
   */
  readonly authorizationServerUrl?: string;
  /**
   * Set where no person is at hand (gateway mode): a sign-in that needs a browser is never started;
   * requests fail and the log names this command, which signs in ahead of time. Default: unset (interactive).
   */
  readonly signInCommand?: string;
}

/**
 * OAuth for one remote server, as the remote transports use it: headers for every request, and
 * what to do when the server answers 401/403. Implementations never log secrets or tokens.
 */
export interface RemoteOAuth {
  /** Headers to add to every request (`Authorization: Bearer …`), or none before sign-in. */
  headers(): Promise<Record<string, string>>;
  /**
   * Reacts to a 401 (or a 403 with `insufficient_scope`): refreshes, or discovers and signs in
   * (opening the browser), or steps up scopes. Resolves true when retrying the request may now
   * succeed, false when it will not (the caller then fails the request). Concurrent calls share one run.
   */
  onUnauthorized(status: number, wwwAuthenticate: string | null): Promise<boolean>;
}
