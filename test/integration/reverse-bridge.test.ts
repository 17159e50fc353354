import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { startBridge } from '../helpers/bridge.js';
import { cliPath, fixtureCommand } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

/** Spawns `mcp-bridge …args` in reverse mode with pipes, collecting stdout lines as parsed JSON. */
function spawnReverse(args: string[], env: NodeJS.ProcessEnv = {}) {
  const proc = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(proc, 'exit') as Promise<[number | null]>;
  return {
    proc,
    send: (value: unknown) => proc.stdin.write((typeof value === 'string' ? value : JSON.stringify(value)) + '\n'),
    messages: () => stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>),
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
  };
}

const initialize = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'desk', version: '1' } } };

describe('the reverse bridge', () => {
  test('closing stdin ends the remote session (its server child stops) and exits 0; stdout carries only protocol', async () => {
    const forward = await startBridge(['--stdio', fixtureCommand('test-server')]);
    try {
      // The session era, so that there is a remote session (and child) for closing stdin to end.
      const reverse = spawnReverse(['--streamableHttp', `${forward.url}/mcp`, '--protocolEra', 'legacy', '--logLevel', 'debug']);
      reverse.send(initialize);
      await waitFor(() => reverse.messages().find((m) => m.id === 0), { what: 'the initialize answer' });
      reverse.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      reverse.send({ jsonrpc: '2.0', id: 'x', method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } });
      await waitFor(() => reverse.messages().find((m) => m.id === 'x'), { what: 'the echo answer' });
      const child = await waitFor(() => forward.children()[0], { what: 'the remote session child' });
      reverse.proc.stdin.end();
      assert.equal((await reverse.exited)[0], 0);
      await waitFor(() => !isAlive(child), { what: 'the remote session to be deleted and its child stopped' });
      for (const message of reverse.messages()) assert.equal(message.jsonrpc, '2.0');
      assert.match(reverse.stderr(), /connected to the remote MCP server/);
    } finally {
      assert.equal(await forward.stop(), 0);
    }
  });

  test('lines from the desktop client that are not JSON-RPC get JSON-RPC errors and the bridge goes on', async () => {
    const forward = await startBridge(['--stdio', fixtureCommand('test-server')]);
    try {
      const reverse = spawnReverse(['--url', `${forward.url}/mcp`]);
      reverse.send('this is not json');
      reverse.send({ id: 5, hello: 'world' });
      reverse.send(initialize);
      await waitFor(() => reverse.messages().find((m) => m.id === 0 && m.result), { what: 'the initialize answer' });
      const errors = reverse.messages().filter((m) => m.error).map((m) => [m.id, (m.error as { code: number }).code]);
      assert.deepEqual(errors, [[null, -32700], [5, -32600]]);
      reverse.proc.stdin.end();
      assert.equal((await reverse.exited)[0], 0);
    } finally {
      assert.equal(await forward.stop(), 0);
    }
  });

  test('an unreachable remote is retried a bounded number of times, then each request gets a JSON-RPC error', async () => {
    const idle = createServer();
    idle.listen(0, '127.0.0.1');
    await once(idle, 'listening');
    const { port } = idle.address() as AddressInfo;
    await new Promise((resolve) => idle.close(resolve));
    const reverse = spawnReverse(['--streamableHttp', `http://127.0.0.1:${port}/mcp`, '--reconnectAttempts', '2', '--reconnectDelay', '20ms']);
    reverse.send(initialize);
    const answer = await waitFor(() => reverse.messages().find((m) => m.id === 0), { what: 'an error answer' });
    assert.match(JSON.stringify(answer.error), /remote MCP server could not be reached/);
    assert.equal((answer.error as { data?: { reason?: string } }).data?.reason, 'REMOTE_UNREACHABLE');
    reverse.proc.stdin.end();
    assert.equal((await reverse.exited)[0], 0);
  });

  test('--header, --oauth2Bearer and MCP_API_KEY reach the remote, and never the log', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const remote = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(401, { 'content-type': 'application/json' }).end('{}');
    });
    remote.listen(0, '127.0.0.1');
    await once(remote, 'listening');
    const { port } = remote.address() as AddressInfo;
    try {
      const reverse = spawnReverse(['--streamableHttp', `http://127.0.0.1:${port}/mcp`, '--header', 'X-Team: blue', '--logLevel', 'debug'], { MCP_API_KEY: 's3cret-key' });
      reverse.send(initialize);
      const answer = await waitFor(() => reverse.messages().find((m) => m.id === 0), { what: 'the answer' });
      assert.equal((answer.error as { data?: { reason?: string } }).data?.reason, 'REMOTE_UNAUTHORIZED', '401 is told to the client');
      assert.equal(seen.length, 1, '401 is not retried');
      assert.match(reverse.stderr(), /refused our credentials/);
      assert.equal(seen[0]?.authorization, 'Bearer s3cret-key');
      assert.equal(seen[0]?.['x-team'], 'blue');
      reverse.proc.stdin.end();
      await reverse.exited;
      assert.doesNotMatch(reverse.stderr(), /s3cret-key/);
      const withBearer = spawnReverse(['--streamableHttp', `http://127.0.0.1:${port}/mcp`, '--oauth2Bearer', 'tok-123'], { MCP_API_KEY: 's3cret-key' });
      withBearer.send(initialize);
      await waitFor(() => withBearer.messages().find((m) => m.id === 0), { what: 'the answer' });
      assert.equal(seen.at(-1)?.authorization, 'Bearer tok-123');
      withBearer.proc.stdin.end();
      await withBearer.exited;
    } finally {
      await new Promise((resolve) => remote.close(resolve));
    }
  });
});
