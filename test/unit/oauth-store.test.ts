import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { acquireLock } from '../../src/oauth/lock.js';
import { OAuthStore, clientFileName, defaultAuthDir, serverDir } from '../../src/oauth/store.js';
import { RecordingLogger } from '../helpers/oauth.js';

const root = mkdtempSync(join(tmpdir(), 'mcp-bridge-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(root, String(n++));

test('defaultAuthDir: $MCP_BRIDGE_AUTH_DIR, else the platform config dir + mcp-bridge/auth', () => {
  assert.equal(defaultAuthDir({ MCP_BRIDGE_AUTH_DIR: '/x' }, 'linux', '/h'), '/x');
  assert.equal(defaultAuthDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/h'), join('/cfg', 'mcp-bridge', 'auth'));
  assert.equal(defaultAuthDir({}, 'linux', '/h'), join('/h', '.config', 'mcp-bridge', 'auth'));
  assert.equal(defaultAuthDir({}, 'darwin', '/h'), join('/h', 'Library', 'Application Support', 'mcp-bridge', 'auth'));
  assert.equal(defaultAuthDir({ APPDATA: 'C:\\AppData' }, 'win32', 'C:\\h'), join('C:\\AppData', 'mcp-bridge', 'auth'));
});

test('one directory per server URL: host and port for people, a hash of the whole URL to keep servers apart', () => {
  const a = serverDir('https://host.example:8443/mcp', '/auth');
  assert.match(a, /host\.example_8443-[0-9a-f]{16}$/);
  assert.notEqual(a, serverDir('https://host.example:8443/other', '/auth'));
  assert.equal(a, serverDir('https://host.example:8443/mcp#frag', '/auth'));
});

test('tokens: stored atomically 0600 in a 0700 directory (also one that existed wider), with expires_at from expires_in', async () => {
  const authDir = fresh();
  const store = new OAuthStore('https://h/mcp', authDir, new RecordingLogger());
  mkdirSync(store.dir, { recursive: true, mode: 0o755 });
  chmodSync(store.dir, 0o755);
  const saved = await store.saveTokens({ access_token: 'a', token_type: 'Bearer', expires_in: 120 });
  assert.ok(saved.expires_at! - Math.floor(Date.now() / 1000) <= 120 && saved.expires_at! - Math.floor(Date.now() / 1000) >= 118);
  assert.equal(statSync(store.dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(store.dir, 'tokens.json')).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(store.dir), ['tokens.json'], 'no temporary file left');
  assert.deepEqual(await store.readTokens(), saved);
  const noExpiry = await store.saveTokens({ access_token: 'b', token_type: 'Bearer' });
  assert.equal(noExpiry.expires_at, undefined);
  await store.clearTokens();
  assert.equal(await store.readTokens(), undefined);
});

test('a corrupt file is reported once (without its content), read as absent, and replaced by the next save', async () => {
  const log = new RecordingLogger();
  const store = new OAuthStore('https://h/mcp', fresh(), log);
  const issuer = 'https://as.example/';
  await store.saveClient(issuer, { client_id: 'c' });
  writeFileSync(join(store.dir, clientFileName(issuer)), '{"client_id": "c", "client_secret": "s3cr3t"');
  assert.equal(await store.readClient(issuer), undefined);
  assert.equal(await store.readClient(issuer), undefined);
  assert.equal(log.lines.length, 1);
  assert.match(log.lines[0]!, /^warn the stored OAuth client-[0-9a-f]{16}\.json is corrupt \(it is not valid JSON\)/);
  assert.ok(!log.text.includes('s3cr3t'));
  writeFileSync(join(store.dir, 'tokens.json'), '{"token_type": "Bearer"}');
  assert.equal(await store.readTokens(), undefined);
  assert.match(log.text, /tokens\.json is corrupt \(it holds no access token\)/);
  writeFileSync(join(store.dir, 'tokens.json'), '[1]');
  await store.saveClient(issuer, { client_id: 'd' });
  assert.deepEqual(await store.readClient(issuer), { client_id: 'd' });
});

test('client registrations are kept per authorization server: one never reads as the other', async () => {
  const store = new OAuthStore('https://h/mcp', fresh(), new RecordingLogger());
  await store.saveClient('https://as1.example/', { client_id: 'one' });
  await store.saveClient('https://as2.example/', { client_id: 'two' });
  assert.deepEqual(await store.readClient('https://as1.example/'), { client_id: 'one' });
  assert.deepEqual(await store.readClient('https://as2.example/'), { client_id: 'two' });
  await store.clearClient('https://as1.example/');
  assert.equal(await store.readClient('https://as1.example/'), undefined);
  assert.deepEqual(await store.readClient('https://as2.example/'), { client_id: 'two' });
  assert.notEqual(clientFileName('https://as1.example/'), clientFileName('https://as2.example/'));
});

test('the lock excludes a second holder until the first releases', async () => {
  const path = join(fresh() + '-lock');
  const first = await acquireLock(path);
  await assert.rejects(acquireLock(path, { waitMs: 100, pollMs: 5 }), /still signing in/);
  await first();
  const second = await acquireLock(path, { waitMs: 100 });
  await second();
  assert.throws(() => statSync(path), /ENOENT/);
});

test('a lock left by a dead process on this host is broken at once', async () => {
  const path = fresh() + '-lock';
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  writeFileSync(path, JSON.stringify({ id: 'old', pid: dead, host: hostname(), since: new Date().toISOString() }));
  const release = await acquireLock(path, { waitMs: 2_000 });
  assert.equal(JSON.parse(readFileSync(path, 'utf8')).pid, process.pid);
  await release();
});

test('a live lock from another host is waited for, and one untouched for staleMs is broken', async () => {
  const path = fresh() + '-lock';
  writeFileSync(path, JSON.stringify({ id: 'other', pid: 1, host: 'elsewhere', since: new Date().toISOString() }));
  await assert.rejects(acquireLock(path, { waitMs: 100, pollMs: 10 }), /another mcp-bridge \(pid 1\) is still signing in/);
  const old = new Date(Date.now() - 60_000);
  utimesSync(path, old, old);
  const release = await acquireLock(path, { waitMs: 1_000, staleMs: 30_000 });
  await release();
});

test('releasing a lock someone else has since taken leaves theirs alone', async () => {
  const path = fresh() + '-lock';
  const release = await acquireLock(path);
  writeFileSync(path, JSON.stringify({ id: 'theirs', pid: process.pid, host: hostname(), since: '' }));
  await release();
  assert.equal(JSON.parse(readFileSync(path, 'utf8')).id, 'theirs');
});
