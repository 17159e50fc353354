import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { canOpenBrowser, openBrowser, openerFor } from '../../src/auth/browser.js';
import { startCallbackListener } from '../../src/auth/callback.js';
import { RecordingLogger } from '../helpers/oauth.js';

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

test('a busy preferred port falls back to a free one; for a client with fixed redirect URIs it fails saying what to do', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const busy = (blocker.address() as AddressInfo).port;
  const log = new RecordingLogger();
  const listener = await startCallbackListener({ preferredPort: busy, expectedState: () => undefined, log });
  try {
    assert.notEqual(new URL(listener.url).port, String(busy));
    assert.match(log.text, new RegExp(`callback port ${busy} is busy; using \\d+`));
    await assert.rejects(
      startCallbackListener({ preferredPort: busy, fallback: false, expectedState: () => undefined, log }),
      new RegExp(`callback port ${busy} is busy, and the client's redirect URI is fixed to it: free the port, or pass --callbackPort`),
    );
  } finally {
    await listener.close();
    blocker.close();
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
});

test('with --noBrowser, or without a display, the URL is printed for the user instead', () => {
  const log = new RecordingLogger();
  log.browser = false;
  openBrowser('https://as.example/authorize?x=1', { noBrowser: true, log });
  openBrowser('https://as.example/authorize?x=2', { noBrowser: false, log, platform: 'linux', env: {} });
  assert.deepEqual(log.lines, ['warn Open this URL to sign in: https://as.example/authorize?x=1', 'warn Open this URL to sign in: https://as.example/authorize?x=2']);
});
