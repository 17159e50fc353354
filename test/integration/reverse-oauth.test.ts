/**
 * OAuth end to end through the CLI: a desktop client (SDK stdio client) starts `mcp-bridge --url`
 * against an OAuth-protected MCP server; the bridge prints the sign-in URL (--noBrowser), a
 * headless browser stand-in follows it, and the client's calls go through. The next run reuses the
 * stored tokens without a sign-in; `mcp-bridge auth --logout` forgets them and `mcp-bridge auth` signs in again.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startOAuthFixture, type OAuthFixture } from '../fixtures/oauth-server.js';
import { browse, signInUrl } from '../helpers/oauth.js';
import { cliPath } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { firstText } from '../helpers/sdkClients.js';
import { waitFor } from '../helpers/wait.js';

describe('signing in to an OAuth-protected remote through mcp-bridge', { timeout: 60_000 }, () => {
  let fixture: OAuthFixture;
  let authDir: string;
  const bridgeArgs = (): string[] => ['--url', fixture.resourceUrl, '--noBrowser', '--callbackPort', '0', '--authDir', authDir, '--logLevel', 'debug'];

  /** Runs one desktop session: connects (signing in through the printed URL if asked), echoes, quits. */
  async function desktopSession(): Promise<{ stderr: string; signedIn: boolean }> {
    const transport = new StdioClientTransport({ command: process.execPath, args: [cliPath, ...bridgeArgs()], stderr: 'pipe' });
    let stderr = '';
    let signedIn = false;
    (transport.stderr as NodeJS.ReadableStream | null)?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const url = signInUrl(chunk);
      if (url && !signedIn) {
        signedIn = true;
        void browse(url); // the headless browser: follows the redirects to the bridge's callback
      }
    });
    const client = new Client({ name: 'desktop', version: '1.0.0' });
    await client.connect(transport);
    const pid = transport.pid!;
    try {
      assert.equal(firstText(await client.callTool({ name: 'echo', arguments: { text: 'signed in' } })), 'signed in');
    } finally {
      await client.close();
      await waitFor(() => !isAlive(pid), { what: 'the bridge to exit' });
    }
    return { stderr, signedIn };
  }

  before(async () => {
    fixture = await startOAuthFixture();
    fixture.serveMcp = true;
    authDir = mkdtempSync(join(tmpdir(), 'mcp-bridge-oauth-'));
  });

  after(async () => {
    await fixture.close();
    rmSync(authDir, { recursive: true, force: true });
  });

  test('the first run signs in through the printed URL and the desktop client\'s calls go through', async () => {
    const { signedIn, stderr } = await desktopSession();
    assert.ok(signedIn, 'the bridge asked to sign in');
    assert.equal(fixture.stats.authorizations, 1);
    for (const secret of fixture.secrets()) assert.ok(!stderr.includes(secret), 'no code, token or secret in the log');
  });

  test('the next run reuses the stored tokens without signing in', async () => {
    const { signedIn } = await desktopSession();
    assert.equal(signedIn, false);
    assert.equal(fixture.stats.authorizations, 1);
  });

  test('auth --logout revokes the tokens at the authorization server and forgets them; auth signs in again before any desktop client runs', async () => {
    // Not spawnSync: the authorization server answering the revocation runs in this process.
    const out = await runFollowingSignIn([cliPath, 'auth', ...bridgeArgs(), '--logout']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /revoked the refresh token at the authorization server/);
    assert.match(out.stderr, /signed out/);
    assert.deepEqual(fixture.stats.revocations, ['refresh_token', 'access_token']);
    const signIn = await runFollowingSignIn([cliPath, 'auth', ...bridgeArgs()]);
    assert.equal(signIn.code, 0, signIn.stderr);
    assert.equal(fixture.stats.authorizations, 2);
    const { signedIn } = await desktopSession();
    assert.equal(signedIn, false, 'the desktop run found the tokens in place');
  });
});

/** Runs `node args…` to its end, following any sign-in URL it prints; resolves with its exit code and stderr. */
function runFollowingSignIn(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    const url = signInUrl(chunk);
    if (url) void browse(url);
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}
