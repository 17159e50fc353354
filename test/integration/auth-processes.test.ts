import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startOAuthFixture } from '../fixtures/oauth-server.js';
import { browse, signInUrl } from '../helpers/oauth.js';
import { fixturePath } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';

interface Bridge {
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Kills the process (by its pid) unless it has exited. */
  kill: () => void;
}

function startBridge(serverUrl: string, authDir: string): Bridge {
  const proc = spawn(process.execPath, [fixturePath('oauth-client'), serverUrl, authDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    kill: () => void (proc.exitCode === null && proc.signalCode === null && proc.kill('SIGKILL')),
  };
}

test('two bridge processes started together on one auth dir: one sign-in, both authorized, no secret in their logs', async () => {
  const fixture = await startOAuthFixture();
  const authDir = mkdtempSync(join(tmpdir(), 'mcp-bridge-auth-'));
  const bridges = [startBridge(fixture.resourceUrl, authDir), startBridge(fixture.resourceUrl, authDir)];
  try {
    // The browser: whichever process holds the lock prints the URL; the other waits for the lock.
    const url = await waitFor(() => bridges.map((b) => signInUrl(b.stderr())).find(Boolean), { what: 'a sign-in URL', timeoutMs: 20_000 });
    assert.equal(await browse(url), 200);
    const codes = await Promise.all(bridges.map((b) => b.exited));
    assert.deepEqual(codes, [0, 0], bridges.map((b) => b.stderr()).join('\n'));
    for (const bridge of bridges) assert.deepEqual(JSON.parse(bridge.stdout()), { status: 200 });
    assert.equal(fixture.stats.authorizations, 1);
    assert.equal(fixture.stats.registrations, 1);
    assert.equal(bridges.filter((b) => signInUrl(b.stderr())).length, 1, 'only one process asked the user to sign in');
    for (const secret of fixture.secrets()) for (const bridge of bridges) assert.ok(!bridge.stderr().includes(secret), 'a secret reached the log');
  } finally {
    for (const bridge of bridges) bridge.kill();
    await fixture.close();
    rmSync(authDir, { recursive: true, force: true });
  }
});
