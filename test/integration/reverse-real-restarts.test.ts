// The reverse bridge against remotes that restart the way real servers do: stale sessions answered with
// 400 (the SDK's examples, legacy SSE servers), POSTs to an old legacy SSE session never answered, a server
// shutting down mid-call, an unreachable remote, and the published server-everything restarted over both transports.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { cliPath, repoRoot } from '../helpers/paths.js';
import { freePort, isAlive } from '../helpers/processes.js';
import { RemoteServer } from '../helpers/remoteServer.js';
import { waitFor } from '../helpers/wait.js';

const RETRY_FLAGS = ['--reconnectDelay', '50ms', '--reconnectMaxDelay', '500ms', '--reconnectAttempts', '8'];

/** An SDK desktop client spawning the reverse bridge for `remoteArgs`; `stderr()` is the bridge's. */
async function desktop(remoteArgs: string[]): Promise<{ client: Client; pid: number; stderr: () => string }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [cliPath, ...remoteArgs, ...RETRY_FLAGS], stderr: 'pipe' });
  let stderr = '';
  (transport.stderr as NodeJS.ReadableStream | null)?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const client = new Client({ name: 'desktop', version: '1.0.0' });
  await client.connect(transport);
  return { client, pid: transport.pid!, stderr: () => stderr };
}

async function close(session: { client: Client; pid: number }): Promise<void> {
  await session.client.close();
  await waitFor(() => !isAlive(session.pid), { what: 'the reverse bridge to exit' });
}

async function echoPid(client: Client): Promise<number> {
  const result = await client.callTool({ name: 'echo', arguments: { text: 'who serves me' } });
  return (result.structuredContent as { pid: number }).pid;
}

const variants = [
  { name: 'Streamable HTTP', args: (url: string) => ['--streamableHttp', `${url}/mcp`] },
  { name: 'legacy SSE', args: (url: string) => ['--sse', `${url}/sse`] },
];

for (const variant of variants) {
  describe(`over ${variant.name}, a remote that answers a stale session with 400 after a restart`, { timeout: 60_000 }, () => {
    test('is re-initialized: the next call, and a call made while it was down, are answered by the new process', async () => {
      const server = await RemoteServer.start({ stale: '400' });
      const session = await desktop(variant.args(server.url));
      try {
        const first = await echoPid(session.client);
        const restarting = server.restart();
        await waitFor(() => !isAlive(first), { what: 'the old server process to end' });
        const whileDown = echoPid(session.client);
        const { pid } = await restarting;
        assert.equal(await whileDown, pid);
        assert.equal(await echoPid(session.client), pid);
        assert.doesNotMatch(session.stderr(), /REMOTE_REJECTED/);
      } finally {
        await close(session);
        await server.stop();
      }
    });
  });
}

describe('a legacy SSE remote that never answers a POST to the session it forgot', { timeout: 60_000 }, () => {
  test('the call made across its restart is answered (resent to the new session), not left silent', async () => {
    const server = await RemoteServer.start({ stale: 'hang' });
    const session = await desktop(['--sse', `${server.url}/sse`]);
    try {
      const first = await echoPid(session.client);
      const { pid } = await server.restart();
      assert.notEqual(pid, first);
      const started = Date.now();
      assert.equal(await echoPid(session.client), pid);
      assert.ok(Date.now() - started < 20_000, `answered after ${Date.now() - started} ms`);
    } finally {
      await close(session);
      await server.stop();
    }
  });
});

describe('a remote that shuts down in the middle of a call', { timeout: 60_000 }, () => {
  for (const variant of variants) {
    test(`over ${variant.name}, the call is answered with an error saying it may have run, not REMOTE_REJECTED`, async () => {
      const server = await RemoteServer.start();
      const session = await desktop(variant.args(server.url));
      try {
        await echoPid(session.client);
        let progressed = false;
        const call = session.client.callTool({ name: 'slow', arguments: { ms: 20_000, steps: 100 } }, undefined, { onprogress: () => (progressed = true) }).then(
          () => assert.fail('the call cannot succeed'),
          (error: Error) => error,
        );
        // Running on the server: its progress has arrived.
        await waitFor(() => progressed, { what: 'the call to run on the server' });
        await server.stop();
        const error = await call;
        assert.match(error.message, /may have run/);
        assert.doesNotMatch(error.message, /refused the message/);
      } finally {
        await close(session);
      }
    });
  }
});

describe('an unreachable remote', { timeout: 60_000 }, () => {
  test('answers the first request with a clear error within 10 s while retrying, and the next succeeds once the remote is up', async () => {
    const port = await freePort();
    const bridge: ChildProcess = spawn(process.execPath, [cliPath, '--streamableHttp', `http://127.0.0.1:${port}/mcp`], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    bridge.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    bridge.stderr!.resume();
    const answer = (id: number): Record<string, unknown> | undefined =>
      out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>).find((message) => message.id === id);
    const initialize = (id: number): void =>
      void bridge.stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'd', version: '1' } } })}\n`);
    let server: RemoteServer | undefined;
    try {
      const asked = Date.now();
      initialize(1);
      const first = await waitFor(() => answer(1), { what: 'the first answer', timeoutMs: 15_000 });
      assert.ok(Date.now() - asked < 11_000, `answered after ${Date.now() - asked} ms`);
      assert.match(JSON.stringify(first.error), /REMOTE_UNREACHABLE/);
      server = await RemoteServer.start({}, port);
      initialize(2);
      const second = await waitFor(() => answer(2), { what: 'the second answer', timeoutMs: 20_000 });
      assert.ok(second.result, JSON.stringify(second));
    } finally {
      bridge.stdin!.end();
      await waitFor(() => bridge.exitCode !== null || bridge.signalCode !== null, { what: 'the bridge to exit' });
      await server?.stop();
    }
  });
});

describe('the published server-everything, restarted mid-session', { timeout: 90_000 }, () => {
  for (const [mode, remote] of [['streamableHttp', (port: number) => ['--url', `http://127.0.0.1:${port}/mcp`]], ['sse', (port: number) => ['--sse', `http://127.0.0.1:${port}/sse`]]] as const) {
    test(`behind ${remote(0)[0]}: calls succeed again after the restart`, async () => {
      const port = await freePort();
      const start = (): ChildProcess => spawn(process.execPath, [join(repoRoot, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js'), mode], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
      const waitListening = async (proc: ChildProcess): Promise<void> => {
        let err = '';
        proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
        await waitFor(() => /running on port|listening/i.test(err), { what: 'server-everything to listen', timeoutMs: 20_000 });
      };
      let everything = start();
      await waitListening(everything);
      const session = await desktop(remote(port));
      try {
        const echo = async (): Promise<string> => JSON.stringify((await session.client.callTool({ name: 'echo', arguments: { message: 'hi' } })).content);
        assert.match(await echo(), /hi/);
        everything.kill('SIGTERM');
        await waitFor(() => everything.exitCode !== null || everything.signalCode !== null, { what: 'server-everything to stop' });
        everything = start();
        await waitListening(everything);
        assert.match(await echo(), /hi/);
      } finally {
        await close(session);
        everything.kill('SIGTERM');
        await waitFor(() => everything.exitCode !== null || everything.signalCode !== null, { what: 'server-everything to stop' });
      }
    });
  }
});
