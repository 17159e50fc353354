/**
 * `mcp-bridge auth` processes against the OAuth fixture: the sign-in through `$BROWSER` on a machine
 * without a display, and two sign-ins that need the same fixed callback port at once.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startOAuthFixture, type OAuthFixture } from '../fixtures/oauth-server.js';
import { browse, recordedVisit, signInUrl } from '../helpers/oauth.js';
import { cliPath, fixturePath } from '../helpers/paths.js';
import { freePort, isAlive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

interface AuthRun {
  stderr: () => string;
  exited: Promise<number | null>;
  /** Kills the process (by its pid) unless it has exited. */
  kill: () => void;
}

/** Starts `mcp-bridge auth …args` with `env` as its whole environment (plus PATH and HOME). */
function startAuth(args: string[], env: NodeJS.ProcessEnv): AuthRun {
  const proc = spawn(process.execPath, [cliPath, 'auth', ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { stderr: () => stderr, exited, kill: () => void (proc.exitCode === null && proc.signalCode === null && proc.kill('SIGKILL')) };
}

describe('mcp-bridge auth: how the user gets to the sign-in page', { timeout: 90_000 }, () => {
  const fixtures: OAuthFixture[] = [];
  let dir: string;

  before(async () => {
    for (let i = 0; i < 2; i++) {
      const fixture = await startOAuthFixture();
      fixture.serveMcp = true;
      fixtures.push(fixture);
    }
    dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-auth-cli-'));
  });

  after(async () => {
    await Promise.all(fixtures.map((fixture) => fixture.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('without DISPLAY, $BROWSER is run with the sign-in URL (after a missing command) and the sign-in completes through it', async () => {
    const fixture = fixtures[0]!;
    const record = join(dir, 'visit.json');
    const browser = `no-such-browser-mcp-bridge:${JSON.stringify(process.execPath)} ${JSON.stringify(fixturePath('browser'))} ${JSON.stringify(record)} %s`;
    // No DISPLAY or WAYLAND_DISPLAY: before $BROWSER was honoured, the bridge only printed the URL here.
    const run = startAuth(['--url', fixture.resourceUrl, '--callbackPort', '0', '--authDir', join(dir, 'browser')], { BROWSER: browser });
    try {
      assert.equal(await run.exited, 0, run.stderr());
      const visit = await waitFor(() => recordedVisit(record), { what: 'the stand-in browser to record its visit' });
      await waitFor(() => !isAlive(visit.pid), { what: 'the stand-in browser to exit' });
      assert.equal(visit.status, 200, 'the callback took the code');
      assert.ok(visit.url.startsWith(new URL('/authorize', fixture.issuer).href), visit.url);
      assert.match(run.stderr(), /opening the browser named by \$BROWSER/);
      assert.doesNotMatch(run.stderr(), /could not open a browser/);
      assert.equal(fixture.stats.authorizations, 1);
    } finally {
      run.kill();
    }
  });

  test('two sign-ins with one pre-registered client and its fixed callback port: the second waits for the port, saying so, and both end signed in', async () => {
    const port = await freePort();
    const authDir = join(dir, 'shared');
    const before = fixtures.map((fixture) => fixture.stats.authorizations);
    // Two servers (a desktop client starting a bridge for each): separate sign-ins, one callback port.
    const runs = fixtures.map((fixture) =>
      startAuth(['--url', fixture.resourceUrl, '--clientId', fixture.publicClientId, '--callbackPort', String(port), '--noBrowser', '--authDir', authDir], {}),
    );
    try {
      const waiting = new RegExp(`callback port ${port} is busy \\(another sign-in\\?\\), and the client's redirect URI is fixed to it; waiting up to 120 s`);
      const [first, second] = await waitFor(
        () => {
          const holder = runs.find((run) => signInUrl(run.stderr()));
          const waiter = runs.find((run) => waiting.test(run.stderr()));
          return holder && waiter ? [holder, waiter] : undefined;
        },
        { what: 'one sign-in holding the port and the other waiting for it', timeoutMs: 30_000 },
      );
      assert.notEqual(first, second);
      assert.equal(signInUrl(second!.stderr()), undefined, 'the waiting one has not asked the user yet');
      assert.equal(await browse(signInUrl(first!.stderr())!), 200);
      assert.equal(await first!.exited, 0, first!.stderr());
      const url = await waitFor(() => signInUrl(second!.stderr()), { what: 'the second sign-in URL once the port is free', timeoutMs: 20_000 });
      assert.match(second!.stderr(), new RegExp(`callback port ${port} is free now`));
      assert.equal(new URL(new URL(url).searchParams.get('redirect_uri')!).port, String(port), 'the fixed redirect URI');
      assert.equal(await browse(url), 200);
      assert.equal(await second!.exited, 0, second!.stderr());
      assert.deepEqual(fixtures.map((fixture, i) => fixture.stats.authorizations - before[i]!), [1, 1]);
    } finally {
      for (const run of runs) run.kill();
    }
  });
});
