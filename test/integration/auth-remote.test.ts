import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createRemoteOAuth, logout } from '../../src/oauth/remoteAuth.js';
import { signOut } from '../../src/oauth/revoke.js';
import { clientFileName, serverDir } from '../../src/oauth/store.js';
import type { OAuthOptions } from '../../src/oauth/types.js';
import { startOAuthFixture, type OAuthFixture } from '../fixtures/oauth-server.js';
import { call, RecordingLogger } from '../helpers/oauth.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-auth-'));
  dirs.push(dir);
  return dir;
}
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function options(fixture: OAuthFixture, authDir: string, extra: Partial<OAuthOptions> = {}): OAuthOptions {
  return { serverUrl: fixture.resourceUrl, authDir, clientCredentials: false, noBrowser: true, callbackPort: 0, ...extra };
}

function assertNoSecrets(fixture: OAuthFixture, ...logs: string[]): void {
  for (const secret of fixture.secrets()) for (const log of logs) assert.ok(!log.includes(secret), `a secret reached the log: ${secret.slice(0, 6)}…`);
}

let fixture: OAuthFixture;
before(async () => {
  fixture = await startOAuthFixture();
});
after(() => fixture.close());

function snapshot(): OAuthFixture['stats'] {
  return { ...fixture.stats, resource: [...fixture.stats.resource] };
}

test('first sign-in: discovery, registration, one browser visit, tokens stored 0600 in a 0700 directory', async () => {
  const authDir = tempDir();
  const log = new RecordingLogger();
  const before = snapshot();
  const result = await call(createRemoteOAuth(options(fixture, authDir), log), fixture.resourceUrl);
  assert.equal(result.status, 200);
  assert.equal(fixture.stats.registrations - before.registrations, 1);
  assert.equal(fixture.stats.authorizations - before.authorizations, 1);
  assert.deepEqual(await Promise.all(log.visits), [200]);
  const dir = serverDir(fixture.resourceUrl, authDir);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  for (const file of ['tokens.json', clientFileName(fixture.issuer)]) assert.equal(statSync(join(dir, file)).mode & 0o777, 0o600, file);
  const tokens = JSON.parse(readFileSync(join(dir, 'tokens.json'), 'utf8')) as { expires_at: number; issuer: string };
  assert.ok(Math.abs(tokens.expires_at - (Date.now() / 1000 + 3600)) < 30, 'expires_at computed from expires_in');
  assert.equal(tokens.issuer, fixture.issuer);
  assert.ok(!existsSync(join(dir, 'lock')), 'the lock is released');
  assertNoSecrets(fixture, log.text);
});

test('a second run reuses the stored tokens: no sign-in, no refresh', async () => {
  const authDir = tempDir();
  await call(createRemoteOAuth(options(fixture, authDir), new RecordingLogger()), fixture.resourceUrl);
  const log = new RecordingLogger();
  log.browser = false;
  const before = snapshot();
  const result = await call(createRemoteOAuth(options(fixture, authDir), log), fixture.resourceUrl);
  assert.equal(result.status, 200);
  assert.deepEqual(fixture.stats.resource.slice(before.resource.length), [200], 'the first request already carried the token');
  assert.equal(fixture.stats.authorizations, before.authorizations);
  assert.equal(fixture.stats.refreshes, before.refreshes);
  assert.ok(!log.text.includes('Open this URL'));
});

test('an access token the server considers expired is refreshed on the 401, without the browser', async () => {
  const authDir = tempDir();
  const log = new RecordingLogger();
  const auth = createRemoteOAuth(options(fixture, authDir), log);
  await call(auth, fixture.resourceUrl);
  fixture.expireAccessTokens();
  log.browser = false;
  const before = snapshot();
  assert.equal((await call(auth, fixture.resourceUrl)).status, 200);
  assert.equal(fixture.stats.refreshes - before.refreshes, 1);
  assert.equal(fixture.stats.authorizations, before.authorizations);
  assertNoSecrets(fixture, log.text);
});

test('a token about to expire is refreshed before the request is sent', async () => {
  const authDir = tempDir();
  const auth = createRemoteOAuth(options(fixture, authDir), new RecordingLogger());
  await call(auth, fixture.resourceUrl);
  const file = join(serverDir(fixture.resourceUrl, authDir), 'tokens.json');
  const stored = JSON.parse(readFileSync(file, 'utf8')) as { expires_at: number };
  writeFileSync(file, JSON.stringify({ ...stored, expires_at: Math.floor(Date.now() / 1000) + 10 }));
  const before = snapshot();
  assert.equal((await call(auth, fixture.resourceUrl)).status, 200);
  assert.equal(fixture.stats.refreshes - before.refreshes, 1);
  assert.deepEqual(fixture.stats.resource.slice(before.resource.length), [200], 'no 401 first');
});

test('a revoked refresh token leads to exactly one new authorization, no loop', async () => {
  const authDir = tempDir();
  await call(createRemoteOAuth(options(fixture, authDir), new RecordingLogger()), fixture.resourceUrl);
  fixture.expireAccessTokens();
  fixture.revokeRefreshTokens();
  // The next bridge run meets both.
  const log = new RecordingLogger();
  const before = snapshot();
  assert.equal((await call(createRemoteOAuth(options(fixture, authDir), log), fixture.resourceUrl)).status, 200);
  assert.equal(fixture.stats.refreshFailures - before.refreshFailures, 1);
  assert.equal(fixture.stats.authorizations - before.authorizations, 1);
  assert.match(log.text, /refused the stored credentials; forgetting them/);
  assertNoSecrets(fixture, log.text);
});

test('a token refused moments after it was obtained is refreshed, but never sends the user to sign in again', async () => {
  const authDir = tempDir();
  const log = new RecordingLogger();
  const auth = createRemoteOAuth(options(fixture, authDir), log);
  await call(auth, fixture.resourceUrl);
  fixture.expireAccessTokens();
  fixture.revokeRefreshTokens();
  const before = snapshot();
  assert.equal((await call(auth, fixture.resourceUrl)).status, 401);
  assert.equal(fixture.stats.refreshFailures - before.refreshFailures, 1);
  assert.equal(fixture.stats.authorizations, before.authorizations);
  assert.match(log.text, /refused the credentials it has just issued/);
});

test('a server that refuses the token it has just issued gets one sign-in, then the request fails', async () => {
  const authDir = tempDir();
  const log = new RecordingLogger();
  const auth = createRemoteOAuth(options(fixture, authDir), log);
  fixture.rejectAll = true;
  try {
    const before = snapshot();
    const result = await call(auth, fixture.resourceUrl, 5);
    assert.equal(result.status, 401);
    assert.equal(fixture.stats.authorizations - before.authorizations, 1, 'one browser sign-in, then refreshes only');
    assert.equal(fixture.stats.refreshes - before.refreshes, 4);
  } finally {
    fixture.rejectAll = false;
  }
});

test('concurrent requests in one process share one sign-in', async () => {
  const log = new RecordingLogger();
  const auth = createRemoteOAuth(options(fixture, tempDir()), log);
  const before = snapshot();
  const results = await Promise.all(Array.from({ length: 5 }, () => call(auth, fixture.resourceUrl)));
  assert.deepEqual(results.map((r) => r.status), [200, 200, 200, 200, 200]);
  assert.equal(fixture.stats.authorizations - before.authorizations, 1);
});

test('two RemoteOAuth objects on one auth dir (two bridges) end up signed in with one sign-in', async () => {
  const authDir = tempDir();
  const [logA, logB] = [new RecordingLogger(), new RecordingLogger()];
  const before = snapshot();
  const [a, b] = await Promise.all([
    call(createRemoteOAuth(options(fixture, authDir), logA), fixture.resourceUrl),
    call(createRemoteOAuth(options(fixture, authDir), logB), fixture.resourceUrl),
  ]);
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  assert.equal(fixture.stats.authorizations - before.authorizations, 1);
  assert.equal(fixture.stats.registrations - before.registrations, 1);
  assert.equal(logA.visits.length + logB.visits.length, 1);
});

test('a corrupt token file is reported, ignored and replaced by a new sign-in', async () => {
  const authDir = tempDir();
  await call(createRemoteOAuth(options(fixture, authDir), new RecordingLogger()), fixture.resourceUrl);
  const file = join(serverDir(fixture.resourceUrl, authDir), 'tokens.json');
  writeFileSync(file, '{"access_token": "at-trunc');
  const log = new RecordingLogger();
  const before = snapshot();
  assert.equal((await call(createRemoteOAuth(options(fixture, authDir), log), fixture.resourceUrl)).status, 200);
  assert.match(log.text, /warn the stored OAuth tokens\.json is corrupt \(it is not valid JSON\)/);
  assert.equal(log.lines.filter((line) => line.includes('corrupt')).length, 1, 'reported once');
  assert.equal(fixture.stats.authorizations - before.authorizations, 1);
  assert.doesNotThrow(() => JSON.parse(readFileSync(file, 'utf8')));
});

test('403 insufficient_scope steps up to the wider scope, keeping what was granted', async () => {
  const log = new RecordingLogger();
  const auth = createRemoteOAuth(options(fixture, tempDir()), log);
  assert.equal((await call(auth, fixture.resourceUrl)).status, 200);
  fixture.requiredScopes = ['admin'];
  try {
    const before = snapshot();
    const result = await call(auth, fixture.resourceUrl);
    assert.equal(result.status, 200);
    assert.deepEqual((result.body as { scopes: string[] }).scopes.sort(), ['admin', 'read']);
    assert.equal(fixture.stats.authorizations - before.authorizations, 1);
    assert.equal(fixture.stats.refreshes, before.refreshes, 'a refresh cannot widen the scope');
  } finally {
    fixture.requiredScopes = [];
  }
});

test('403 insufficient_scope naming only scopes the token holds does not send the user to sign in', async () => {
  const log = new RecordingLogger();
  const auth = createRemoteOAuth(options(fixture, tempDir()), log);
  assert.equal((await call(auth, fixture.resourceUrl)).status, 200);
  fixture.forbidden = true;
  try {
    const before = snapshot();
    assert.equal((await call(auth, fixture.resourceUrl)).status, 403);
    assert.equal(fixture.stats.authorizations, before.authorizations);
    assert.match(log.text, /without naming a scope the token lacks/);
  } finally {
    fixture.forbidden = false;
  }
});

test('a pre-registered client (--clientId or --clientInfoFile) is used as is: no registration, any loopback port', async () => {
  const authDir = tempDir();
  const before = snapshot();
  const byFlag = createRemoteOAuth(options(fixture, authDir, { clientId: fixture.publicClientId }), new RecordingLogger());
  assert.equal((await call(byFlag, fixture.resourceUrl)).status, 200);
  const infoFile = join(tempDir(), 'client.json');
  writeFileSync(infoFile, JSON.stringify({ client_id: fixture.publicClientId }));
  const byFile = createRemoteOAuth(options(fixture, tempDir(), { clientInfoFile: infoFile }), new RecordingLogger());
  assert.equal((await call(byFile, fixture.resourceUrl)).status, 200);
  assert.equal(fixture.stats.registrations, before.registrations);
  assert.equal(fixture.stats.authorizations - before.authorizations, 2);
  assert.ok(!readdirSync(serverDir(fixture.resourceUrl, authDir)).some((name) => name.startsWith('client-')), 'nothing registered is stored');
});

test('client credentials: a token without a browser, stored for the next run', async () => {
  const authDir = tempDir();
  const log = new RecordingLogger();
  const creds = { clientCredentials: true, clientId: fixture.machineClient.id, clientSecret: fixture.machineClient.secret };
  const before = snapshot();
  assert.equal((await call(createRemoteOAuth(options(fixture, authDir, creds), log), fixture.resourceUrl)).status, 200);
  assert.equal((await call(createRemoteOAuth(options(fixture, authDir, creds), log), fixture.resourceUrl)).status, 200);
  assert.equal(fixture.stats.clientCredentialGrants - before.clientCredentialGrants, 1);
  assert.equal(fixture.stats.authorizations, before.authorizations);
  assert.ok(!log.text.includes('Open this URL'));
  assertNoSecrets(fixture, log.text);
});

test('logout forgets the server: the next run signs in again', async () => {
  const authDir = tempDir();
  await call(createRemoteOAuth(options(fixture, authDir), new RecordingLogger()), fixture.resourceUrl);
  assert.equal(await logout(fixture.resourceUrl, authDir), true);
  assert.ok(!existsSync(serverDir(fixture.resourceUrl, authDir)));
  assert.equal(await logout(fixture.resourceUrl, authDir), false);
  const before = snapshot();
  assert.equal((await call(createRemoteOAuth(options(fixture, authDir), new RecordingLogger()), fixture.resourceUrl)).status, 200);
  assert.equal(fixture.stats.authorizations - before.authorizations, 1);
  assert.equal(fixture.stats.registrations - before.registrations, 1);
});

test('signing out revokes the refresh and access tokens at the authorization server (RFC 7009), then forgets the server', async () => {
  const authDir = tempDir();
  await call(createRemoteOAuth(options(fixture, authDir), new RecordingLogger()), fixture.resourceUrl);
  const stored = JSON.parse(readFileSync(join(serverDir(fixture.resourceUrl, authDir), 'tokens.json'), 'utf8')) as { access_token: string };
  const revokedBefore = fixture.stats.revocations.length;
  const log = new RecordingLogger();
  assert.equal(await signOut(options(fixture, authDir), log), true);
  assert.deepEqual(fixture.stats.revocations.slice(revokedBefore), ['refresh_token', 'access_token']);
  assert.match(log.text, /revoked the refresh token at the authorization server/);
  assert.ok(!existsSync(serverDir(fixture.resourceUrl, authDir)));
  const refused = await fetch(fixture.resourceUrl, { method: 'POST', headers: { Authorization: `Bearer ${stored.access_token}`, 'Content-Type': 'application/json' }, body: '{}' });
  assert.equal(refused.status, 401, 'the revoked access token is refused');
  assertNoSecrets(fixture, log.text);
  assert.equal(await signOut(options(fixture, authDir), new RecordingLogger()), false, 'nothing left to sign out of');
});

test('signing out still forgets the tokens when the authorization server cannot be reached', async () => {
  const authDir = tempDir();
  await call(createRemoteOAuth(options(fixture, authDir), new RecordingLogger()), fixture.resourceUrl);
  const file = join(serverDir(fixture.resourceUrl, authDir), 'tokens.json');
  const tokens = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...tokens, issuer: 'http://127.0.0.1:1/' }));
  const log = new RecordingLogger();
  assert.equal(await signOut(options(fixture, authDir), log), true);
  assert.match(log.text, /could not revoke the tokens at the authorization server; forgetting them anyway/);
  assert.ok(!existsSync(serverDir(fixture.resourceUrl, authDir)));
  assertNoSecrets(fixture, log.text);
});
