/**
 * The reverse bridge survives a remote server that restarts mid-session, including one that
 * rejects requests from uninitialized sessions (--strict): the desktop client (a real SDK client
 * over stdio) keeps its one connection, and the bridge re-initializes with the client's own
 * initialize. Requests that were running when the server went away get a JSON-RPC error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { cliPath } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { RemoteServer } from '../helpers/remoteServer.js';
import { waitFor } from '../helpers/wait.js';

/** Fast retries keep the test short; the defaults (500 ms doubling to 30 s) suit real servers. */
const RETRY_FLAGS = ['--reconnectDelay', '50ms', '--reconnectMaxDelay', '500ms', '--reconnectAttempts', '8'];

interface Desktop {
  client: Client;
  pid: number;
  logs: string[];
  errors: Error[];
  stderr(): string;
}

/** Spawns the reverse bridge for an SDK client; `connected` settles when initialize has been answered (or failed). */
function launchDesktop(remoteArgs: string[]): { desktop: Desktop; connected: Promise<void> } {
  const transport = new StdioClientTransport({ command: process.execPath, args: [cliPath, ...remoteArgs, ...RETRY_FLAGS], stderr: 'pipe' });
  let stderr = '';
  (transport.stderr as NodeJS.ReadableStream | null)?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const client = new Client({ name: 'desktop', version: '1.0.0' });
  const desktop: Desktop = { client, pid: 0, logs: [], errors: [], stderr: () => stderr };
  client.onerror = (error) => desktop.errors.push(error);
  client.setNotificationHandler(LoggingMessageNotificationSchema, (note) => void desktop.logs.push(String(note.params.data)));
  const connected = client.connect(transport).finally(() => (desktop.pid = transport.pid ?? 0));
  return { desktop, connected };
}

async function startDesktop(remoteArgs: string[]): Promise<Desktop> {
  const { desktop, connected } = launchDesktop(remoteArgs);
  await connected;
  return desktop;
}

async function echoPid(client: Client): Promise<number> {
  const result = await client.callTool({ name: 'echo', arguments: { text: 'who serves me' } });
  return (result.structuredContent as { pid: number }).pid;
}

const variants = [
  { name: 'Streamable HTTP', args: (url: string) => ['--streamableHttp', `${url}/mcp`] },
  { name: 'legacy SSE', args: (url: string) => ['--sse', `${url}/sse`] },
  { name: 'detected with --url', args: (url: string) => ['--url', `${url}/mcp`] },
];

for (const variant of variants) {
  describe(`the reverse bridge over ${variant.name} when the remote restarts (strict server)`, { timeout: 60_000 }, () => {
    let server: RemoteServer;
    let desktop: Desktop;

    before(async () => {
      server = await RemoteServer.start({ strict: true });
      desktop = await startDesktop(variant.args(server.url));
    });

    after(async () => {
      await desktop?.client.close();
      if (desktop) await waitFor(() => !isAlive(desktop.pid), { what: 'the reverse bridge to exit' });
      assert.equal(await server?.stop(), 0);
    });

    test('calls succeed again after a restart, with the same desktop connection', async () => {
      assert.equal(await echoPid(desktop.client), server.pid);
      const { pid } = await server.restart();
      assert.equal(await echoPid(desktop.client), pid, 'the call reached the new server');
      assert.match(desktop.stderr(), /re-initialized the remote session/);
    });

    test('the new session is set up without waiting for a request, so server notifications flow again', async () => {
      const { pid } = await server.restart();
      await waitFor(() => server.openSessions().length === 1 || undefined, { what: 'the bridge to open a session on the new server' });
      await desktop.client.setLoggingLevel('debug');
      await desktop.client.callTool({ name: 'log', arguments: { message: `after restart ${pid}` } });
      await waitFor(() => desktop.logs.find((line) => line.includes(`after restart ${pid}`)), { what: 'the log notification' });
    });

    test('a request running when the server goes away gets a JSON-RPC error, not silence, and the next one works', async () => {
      let progressed = false;
      const running = desktop.client.callTool({ name: 'slow', arguments: { ms: 20_000, steps: 20, confirm: true } }, undefined, {
        onprogress: () => (progressed = true),
        timeout: 60_000,
      });
      const outcome = running.then(
        () => 'answered',
        (error: Error) => error.message,
      );
      await waitFor(() => progressed || undefined, { what: 'the slow call to be running' });
      const { pid } = await server.restart();
      assert.match(await outcome, /may have run/);
      assert.equal(await echoPid(desktop.client), pid);
    });

    test('the desktop client saw only valid JSON-RPC on stdout', () => {
      assert.deepEqual(desktop.errors.map((error) => error.message), []);
    });
  });
}

describe('the reverse bridge when the remote is not up yet', () => {
  test('the desktop client\'s initialize waits for a server that comes up within the retries', { timeout: 60_000 }, async () => {
    const probe = await RemoteServer.start();
    const port = probe.port;
    assert.equal(await probe.stop(), 0);
    const { desktop, connected } = launchDesktop(['--streamableHttp', `http://127.0.0.1:${port}/mcp`]);
    const outcome = connected.then(
      () => 'connected',
      (error: Error) => error.message,
    );
    // Start the server only once the bridge has failed to reach it, so the request really waited.
    await waitFor(() => /retrying/.test(desktop.stderr()) || undefined, { what: 'the bridge to retry' });
    const server = await RemoteServer.start({ strict: true }, port);
    try {
      assert.equal(await outcome, 'connected');
      assert.equal(await echoPid(desktop.client), server.pid);
      await desktop.client.close();
      await waitFor(() => !isAlive(desktop.pid), { what: 'the reverse bridge to exit' });
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});

describe('the reverse bridge when the remote stays down', () => {
  test('requests get a JSON-RPC error after bounded retries, and the bridge recovers when the server is back', { timeout: 60_000 }, async () => {
    const server = await RemoteServer.start({ strict: true });
    const port = server.port;
    const desktop = await startDesktop(['--streamableHttp', `${server.url}/mcp`]);
    try {
      await echoPid(desktop.client);
      assert.equal(await server.stop(), 0);
      await assert.rejects(echoPid(desktop.client), /could not be reached|may have run|lost the session/);
      assert.match(desktop.stderr(), /retrying/);
      const back = await RemoteServer.start({ strict: true }, port);
      try {
        assert.equal(await echoPid(desktop.client), back.pid);
      } finally {
        await desktop.client.close();
        assert.equal(await back.stop(), 0);
      }
    } finally {
      await desktop.client.close();
      await waitFor(() => !isAlive(desktop.pid), { what: 'the reverse bridge to exit' });
    }
  });
});
