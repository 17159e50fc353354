/**
 * How the reverse bridge ends: SIGTERM and a parent that dies without closing our stdin both end
 * the remote session and exit 0, leaving no process behind.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { constants, mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { cliPath } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { RemoteServer } from '../helpers/remoteServer.js';
import { waitFor } from '../helpers/wait.js';

const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'desk', version: '1' } } };
const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' };

describe('the reverse bridge ends cleanly', () => {
  test('SIGTERM ends the remote session (DELETE) and exits 0', async () => {
    const server = await RemoteServer.start();
    try {
      const bridge = spawn(process.execPath, [cliPath, '--streamableHttp', `${server.url}/mcp`], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      bridge.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      bridge.stderr.resume();
      const exited = once(bridge, 'exit') as Promise<[number | null]>;
      bridge.stdin.write(JSON.stringify(initialize) + '\n');
      await waitFor(() => stdout.includes('"id":1'), { what: 'the initialize answer' });
      bridge.stdin.write(JSON.stringify(initialized) + '\n');
      await waitFor(() => server.openSessions().length === 1 || undefined, { what: 'the remote session' });
      bridge.kill('SIGTERM');
      assert.equal((await exited)[0], 0);
      await waitFor(() => server.openSessions().length === 0 || undefined, { what: 'the remote session to be deleted' });
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  test('a parent that dies while our stdin stays open makes the bridge end its session and exit', async () => {
    const server = await RemoteServer.start();
    const dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-parent-'));
    const fifo = join(dir, 'stdin');
    execFileSync('mkfifo', [fifo]);
    // Read-write keeps the FIFO open (no EOF) after the parent dies, without blocking on open.
    const holder = openSync(fifo, constants.O_RDWR);
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} --sse ${server.url}/sse < ${JSON.stringify(fifo)} & echo $!; wait`;
    const parent = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    parent.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    try {
      const bridgePid = Number(await waitFor(() => /^(\d+)\n/.exec(out)?.[1], { what: 'the bridge pid' }));
      await waitFor(() => server.openSessions().length === 1 || undefined, { what: 'the legacy SSE session' });
      parent.kill('SIGKILL');
      await waitFor(() => !isAlive(bridgePid) || undefined, { what: 'the orphaned bridge to exit', timeoutMs: 15_000 });
      await waitFor(() => server.openSessions().length === 0 || undefined, { what: 'the remote session to end' });
    } finally {
      closeSync(holder);
      rmSync(dir, { recursive: true, force: true });
      assert.equal(await server.stop(), 0);
    }
  });
});
