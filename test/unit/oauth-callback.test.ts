import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserCommands, canOpenBrowser, openBrowser, openerFor } from '../../src/oauth/browser.js';
import { startCallbackListener } from '../../src/oauth/callback.js';
import { RecordingLogger, recordedVisit } from '../helpers/oauth.js';
import { fixturePath } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

test('the callback listener takes the code with the right state, ignores a wrong one, answers HTML and closes', async () => {
  const log = new RecordingLogger();
  const listener = await startCallbackListener({ preferredPort: 0, expectedState: () => 'good', log });
  assert.match(listener.url, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
  const forged = await fetch(`${listener.url}?code=evil&state=bad`);
  assert.equal(forged.status, 400);
  assert.equal((await fetch(listener.url.replace('/callback', '/other'))).status, 404);
  const ok = await fetch(`${listener.url}?code=the-code&state=good`);
  assert.equal(ok.status, 200);
  assert.match(ok.headers.get('content-type')!, /text\/html/);
  assert.match(await ok.text(), /Signed in/);
  assert.deepEqual(await listener.waitForCode(), { code: 'the-code' });
  await listener.close();
  await assert.rejects(fetch(listener.url), 'closed after the code');
  assert.ok(!log.text.includes('the-code'));
});

test('a busy preferred port falls back to a free one; for a client with fixed redirect URIs it is waited for, and past the bound it fails saying what to do', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const busy = (blocker.address() as AddressInfo).port;
  const log = new RecordingLogger();
  const listener = await startCallbackListener({ preferredPort: busy, expectedState: () => undefined, log });
  try {
    assert.notEqual(new URL(listener.url).port, String(busy));
    assert.match(log.text, new RegExp(`callback port ${busy} is busy; using \\d+`));
    await assert.rejects(
      startCallbackListener({ preferredPort: busy, fallback: false, busyWaitMs: 300, expectedState: () => undefined, log }),
      new RegExp(`callback port ${busy} is still busy after 300 ms, and the client's redirect URI is fixed to it: free the port, or pass --callbackPort`),
    );
    assert.match(log.text, new RegExp(`callback port ${busy} is busy \\(another sign-in\\?\\), and the client's redirect URI is fixed to it; waiting up to 300 ms for it`));
  } finally {
    await listener.close();
    blocker.close();
  }
});

test('for a client with fixed redirect URIs, a busy callback port is waited for, saying so, and taken once it is free', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const busy = (blocker.address() as AddressInfo).port;
  const log = new RecordingLogger();
  const starting = startCallbackListener({ preferredPort: busy, fallback: false, expectedState: () => 's', log });
  await waitFor(() => log.text.includes(`callback port ${busy} is busy (another sign-in?), and the client's redirect URI is fixed to it; waiting up to 120 s`), { what: 'the waiting line' });
  await new Promise<void>((resolve) => blocker.close(() => resolve()));
  const listener = await starting;
  try {
    assert.equal(listener.url, `http://127.0.0.1:${busy}/callback`);
    assert.match(log.text, new RegExp(`callback port ${busy} is free now`));
    assert.equal((await fetch(`${listener.url}?code=c&state=s`)).status, 200);
    assert.deepEqual(await listener.waitForCode(), { code: 'c' });
  } finally {
    await listener.close();
  }
});

test('the iss of the answer is passed on, and checked before its code or error is used (RFC 9207)', async () => {
  const log = new RecordingLogger();
  const issuer = 'https://as.example';
  const verifyIssuer = (iss: string | undefined): boolean => iss === issuer;
  const good = await startCallbackListener({ preferredPort: 0, expectedState: () => 's', verifyIssuer, log });
  assert.equal((await fetch(`${good.url}?code=c1&state=s&iss=${encodeURIComponent(issuer)}`)).status, 200);
  assert.deepEqual(await good.waitForCode(), { code: 'c1', iss: issuer });
  for (const iss of ['&iss=https%3A%2F%2Fevil.example', `&iss=${encodeURIComponent(issuer + '/')}`, '']) {
    const listener = await startCallbackListener({ preferredPort: 0, expectedState: () => 's', verifyIssuer, log });
    const answer = await fetch(`${listener.url}?code=c2&state=s${iss}`);
    assert.equal(answer.status, 400);
    assert.match(await answer.text(), /did not come from the authorization server mcp-bridge asked/);
    await assert.rejects(listener.waitForCode(), /did not come from the expected authorization server \(RFC 9207 iss check\)/);
  }
  // An error answer from another server: its text is not shown.
  const mixed = await startCallbackListener({ preferredPort: 0, expectedState: () => 's', verifyIssuer, log });
  await fetch(`${mixed.url}?error=access_denied&error_description=phishing&state=s&iss=https%3A%2F%2Fevil.example`);
  await assert.rejects(mixed.waitForCode(), (error: Error) => !error.message.includes('phishing'));
});

test('an error answer rejects with the server\'s reason; no answer times out; closing first abandons', async () => {
  const log = new RecordingLogger();
  const refused = await startCallbackListener({ preferredPort: 0, expectedState: () => 's', log });
  const answer = await fetch(`${refused.url}?error=access_denied&error_description=${encodeURIComponent('user said no\n<b>')}&state=s`);
  assert.equal(answer.status, 400);
  await assert.rejects(refused.waitForCode(), /refused the sign-in \(access_denied: user said no <b>\)/);
  const slow = await startCallbackListener({ preferredPort: 0, expectedState: () => 's', log, timeoutMs: 30 });
  await assert.rejects(slow.waitForCode(), /no sign-in completed within 0 s/);
  const closed = await startCallbackListener({ preferredPort: 0, expectedState: () => 's', log });
  await closed.close();
  await assert.rejects(closed.waitForCode(), /abandoned/);
});

test('browser openers per platform, run without a shell; Windows quotes the URL for cmd', () => {
  const url = 'https://as.example/authorize?a=1&b=2';
  assert.deepEqual(openerFor(url, 'darwin'), { command: 'open', args: [url] });
  assert.deepEqual(openerFor(url, 'linux'), { command: 'xdg-open', args: [url] });
  const win = openerFor(url, 'win32');
  assert.equal(win.command, 'cmd');
  assert.equal(win.args.at(-1), `start "" "${url}"`);
  assert.equal(win.verbatim, true);
  assert.equal(canOpenBrowser('linux', {}), false);
  assert.equal(canOpenBrowser('linux', { WAYLAND_DISPLAY: 'wayland-0' }), true);
  assert.equal(canOpenBrowser('darwin', {}), true);
  assert.equal(canOpenBrowser('linux', { BROWSER: 'w3m' }), true, '$BROWSER counts without a display');
  assert.equal(canOpenBrowser('linux', { BROWSER: ' ' }), false);
});

test('$BROWSER is a list of commands split at colons (semicolons on Windows); %s takes the URL, else it is appended; shell syntax is skipped', () => {
  const url = 'https://as.example/authorize?redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcallback&state=a%25s';
  assert.deepEqual(browserCommands('firefox:chromium --new-window %s:"my browser" "--url=%s&x=%%"', url, 'linux'), [
    { command: 'firefox', args: [url] },
    { command: 'chromium', args: ['--new-window', url] },
    { command: 'my browser', args: [`--url=${url}&x=%`] },
  ]);
  assert.deepEqual(browserCommands('w3m %s &', url, 'linux'), [{ command: 'w3m', args: [url] }], 'a trailing & is dropped');
  assert.deepEqual(browserCommands('a | b:$HOME/bin/open', url, 'linux'), [{ command: '$HOME/bin/open', args: [url] }], 'no shell: a pipe is skipped, variables stay');
  assert.deepEqual(browserCommands('C:\\Tools\\browser.exe %s;other', url, 'win32'), [
    { command: 'C:\\Tools\\browser.exe', args: [url] },
    { command: 'other', args: [url] },
  ]);
  assert.deepEqual(browserCommands(undefined, url, 'linux'), []);
  assert.deepEqual(browserCommands('::', url, 'linux'), []);
});

test('without a display, $BROWSER is run with the URL, the next command when one is missing or fails; when none works the URL is printed', async () => {
  const page = createServer((_req, res) => res.end('sign in here'));
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(page.address() as AddressInfo).port}/authorize?state=x%2By`;
  const dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-browser-'));
  const record = join(dir, 'visit.json');
  const log = new RecordingLogger();
  log.browser = false;
  try {
    const BROWSER = `no-such-browser-mcp-bridge:false:${JSON.stringify(process.execPath)} ${JSON.stringify(fixturePath('browser'))} ${JSON.stringify(record)} %s`;
    openBrowser(url, { noBrowser: false, log, platform: 'linux', env: { BROWSER } });
    const { pid, ...seen } = await waitFor(() => recordedVisit(record), { what: 'the stand-in browser to record its visit' });
    assert.deepEqual(seen, { url, status: 200 });
    await waitFor(() => !isAlive(pid), { what: 'the stand-in browser to exit' });
    assert.match(log.text, /opening the browser named by \$BROWSER/);
    assert.ok(!log.lines.some((line) => line.startsWith('warn')), log.text);

    openBrowser(url, { noBrowser: false, log, platform: 'linux', env: { BROWSER: 'no-such-browser-mcp-bridge:false' } });
    await waitFor(() => log.text.includes(`warn could not open a browser (false exited with 1); Open this URL to sign in: ${url}`), { what: 'the printed URL' });
    openBrowser(url, { noBrowser: false, log, platform: 'linux', env: { BROWSER: 'a | b' } });
    assert.match(log.text, /could not open a browser \(\$BROWSER names no command that runs without a shell\); Open this URL/);
  } finally {
    page.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with --noBrowser, or without a display, the URL is printed for the user instead', () => {
  const log = new RecordingLogger();
  log.browser = false;
  openBrowser('https://as.example/authorize?x=1', { noBrowser: true, log });
  openBrowser('https://as.example/authorize?x=2', { noBrowser: false, log, platform: 'linux', env: {} });
  assert.deepEqual(log.lines, ['warn Open this URL to sign in: https://as.example/authorize?x=1', 'warn Open this URL to sign in: https://as.example/authorize?x=2']);
});
