import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BridgeOAuthProvider } from '../../src/oauth/provider.js';
import { OAuthStore } from '../../src/oauth/store.js';
import type { OAuthOptions } from '../../src/oauth/types.js';
import { RecordingLogger } from '../helpers/oauth.js';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function setup(extra: Partial<OAuthOptions> = {}): { provider: BridgeOAuthProvider; store: OAuthStore; log: RecordingLogger } {
  const authDir = mkdtempSync(join(tmpdir(), 'mcp-bridge-provider-'));
  dirs.push(authDir);
  const options: OAuthOptions = { serverUrl: 'https://mcp.example/mcp', authDir, clientCredentials: false, noBrowser: true, callbackPort: 33418, ...extra };
  const log = new RecordingLogger();
  const store = new OAuthStore(options.serverUrl, authDir, log);
  return { provider: new BridgeOAuthProvider(options, store, log), store, log };
}

const AS1 = { issuer: 'https://as1.example' };
const AS2 = { issuer: 'https://as2.example' };

test('dynamic registration metadata: a native application, loopback redirect, refresh_token grant', () => {
  const { provider } = setup();
  const metadata = provider.clientMetadata;
  assert.equal(metadata.application_type, 'native');
  assert.deepEqual(metadata.redirect_uris, ['http://127.0.0.1:33418/callback']);
  assert.deepEqual(metadata.grant_types, ['authorization_code', 'refresh_token']);
  assert.equal(metadata.token_endpoint_auth_method, 'none');
});

test('registrations are read and written per authorization server; invalidating the client forgets only the current one', async () => {
  const { provider, store } = setup();
  await provider.saveClientInformation({ client_id: 'one', redirect_uris: [provider.redirectTo], issuer: AS1.issuer }, AS1);
  await provider.saveClientInformation({ client_id: 'two', redirect_uris: [provider.redirectTo], issuer: AS2.issuer }, AS2);
  assert.equal((await provider.clientInformation(AS1))?.client_id, 'one');
  assert.equal((await provider.clientInformation(AS2))?.client_id, 'two');
  await provider.invalidateCredentials('client');
  assert.equal(await store.readClient(AS2.issuer), undefined, 'the latest one asked about is forgotten');
  assert.equal((await store.readClient(AS1.issuer))?.client_id, 'one');
});

test('during a sign-in, a registration made for another callback URL is not used (the SDK registers again); a refresh still uses it', async () => {
  const { provider, log } = setup();
  await provider.saveClientInformation({ client_id: 'old-port', redirect_uris: ['http://127.0.0.1:40000/callback'], issuer: AS1.issuer }, AS1);
  provider.redirectTo = 'http://127.0.0.1:40001/callback';
  assert.equal((await provider.clientInformation(AS1))?.client_id, 'old-port', 'not interactive: a refresh needs the client it was issued to');
  provider.interactive = true;
  assert.equal(await provider.clientInformation(AS1), undefined);
  assert.match(log.text, /names another callback URL; registering again/);
});

test('a pre-registered client is bound to the authorization server at hand and never stored', async () => {
  const { provider, store } = setup({ clientId: 'pre', clientSecret: 'pre-secret' });
  assert.deepEqual(await provider.clientInformation(AS2), { client_id: 'pre', client_secret: 'pre-secret', issuer: AS2.issuer });
  await provider.saveClientInformation({ client_id: 'pre', client_secret: 'pre-secret', issuer: AS2.issuer }, AS2);
  assert.equal(await store.readClient(AS2.issuer), undefined);
  assert.equal(provider.clientMetadata.token_endpoint_auth_method, 'client_secret_basic');
});

test('the discovered issuer is the metadata issuer, else the URL discovery used; invalidating discovery forgets it', async () => {
  const { provider } = setup();
  assert.equal(provider.discoveredIssuer(), undefined);
  provider.saveDiscoveryState({ authorizationServerUrl: 'https://as1.example/' });
  assert.equal(provider.discoveredIssuer(), 'https://as1.example/');
  provider.saveDiscoveryState({
    authorizationServerUrl: 'https://as1.example/',
    authorizationServerMetadata: { issuer: 'https://as1.example', authorization_endpoint: 'https://as1.example/a', token_endpoint: 'https://as1.example/t', response_types_supported: ['code'] },
  });
  assert.equal(provider.discoveredIssuer(), 'https://as1.example');
  await provider.invalidateCredentials('discovery');
  assert.equal(provider.discoveredIssuer(), undefined);
});
