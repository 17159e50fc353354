// `mcp-bridge auth`: signs in to (or out of) a remote MCP server ahead of time, so a reverse bridge
// starts with tokens.
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { createRemoteOAuth } from '../oauth/remoteAuth.js';
import { signOut } from '../oauth/revoke.js';
import type { Logger } from '../shared/log.js';
import type { RemoteOptions } from '../upstream/remote/options.js';
import { RemoteTransport } from '../upstream/remote/remote.js';

const SIGN_IN_ID = 'mcp-bridge-sign-in';

/**
 * `mcp-bridge auth --url …` (or `--config FILE --server NAME`): signs in now (an initialize that meets the server's 401 runs the whole
 * OAuth flow) and ends the session, so a desktop client later starts with tokens in place.
 * With `--logout`, revokes the tokens at the authorization server when it offers that (RFC 7009, best
 * effort) and forgets the server's tokens and client registrations instead. Resolves true on success.
 */
export async function runAuthCommand(target: RemoteOptions, log: Logger, { logout: forget }: { logout: boolean }): Promise<boolean> {
  const auth = target.oauth;
  if (!auth) {
    log.error('OAuth is off for this remote (--no-oauth, or a static Authorization credential is set)');
    return false;
  }
  if (forget) {
    const removed = await signOut(auth, log);
    log.info(removed ? 'signed out: tokens and client registration removed' : 'nothing stored for this server');
    return true;
  }
  const remote = new RemoteTransport(target, log, createRemoteOAuth(auth, log));
  const answer = new Promise<JSONRPCMessage>((resolve) => (remote.onmessage = (message) => 'id' in message && message.id === SIGN_IN_ID && resolve(message)));
  try {
    await remote.start();
    await remote.send({
      jsonrpc: '2.0',
      id: SIGN_IN_ID,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'mcp-bridge-auth', version: '1' } },
    });
    const message = await answer;
    if ('error' in message) throw new Error(JSON.stringify(message.error));
    log.info('signed in; the tokens are stored for the next runs', { authDir: auth.authDir });
    return true;
  } catch (error) {
    log.error('sign-in failed', { error: (error as Error).message });
    return false;
  } finally {
    await remote.close();
  }
}
