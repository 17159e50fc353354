/**
 * The reverse bridge in front of a remote that speaks only MCP 2026-07-28 (stateless: no initialize,
 * no sessions), driven by a legacy SDK v1 desktop client over stdio: the bridge answers initialize
 * from server/discover, sends the client's identity in every request's _meta with the standard
 * headers, turns input_required into elicitation requests to the client, and passes progress on.
 * A legacy remote behind --url still gets initialize and a session.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema, ElicitRequestSchema, ResourceUpdatedNotificationSchema, type ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { cliPath, fixturePath } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { RemoteServer } from '../helpers/remoteServer.js';
import { firstText } from '../helpers/sdkClients.js';
import { waitFor } from '../helpers/wait.js';

interface ModernRemote {
  url: string;
  stderr: () => string;
  /** The `seen` lines: one per POST the server received. */
  seen: () => Array<{ method?: string; headers: Record<string, string>; meta: Record<string, unknown> | null; filter?: Record<string, unknown> }>;
  stop: () => Promise<void>;
}

async function startModernRemote(): Promise<ModernRemote> {
  const proc: ChildProcess = spawn(process.execPath, [fixturePath('modern-remote-server')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const base = await waitFor(() => /listening on (http:\/\/[\d.:]+)/.exec(stderr)?.[1], { what: 'the 2026-07-28 remote to listen' }).catch((error: unknown) => {
    proc.kill('SIGKILL');
    throw error;
  });
  return {
    url: `${base}/mcp`,
    stderr: () => stderr,
    seen: () => [...stderr.matchAll(/^seen (.*)$/gm)].map((match) => JSON.parse(match[1]!) as ReturnType<ModernRemote['seen']>[number]),
    stop: async () => {
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** A legacy (SDK v1) desktop client that spawns the reverse bridge with `args`; the bridge's stderr is kept. */
async function desktop(args: string[], capabilities: ClientCapabilities, setup?: (client: Client) => void) {
  const transport = new StdioClientTransport({ command: process.execPath, args: [cliPath, ...args, '--logLevel', 'debug'], stderr: 'pipe' });
  let bridgeLog = '';
  (transport.stderr as import('node:stream').Readable | null)?.setEncoding('utf8').on('data', (chunk: string) => (bridgeLog += chunk));
  const client = new Client({ name: 'legacy-desktop', version: '1.2.3' }, { capabilities });
  setup?.(client);
  await client.connect(transport);
  const pid = transport.pid!;
  return {
    client,
    bridgeLog: () => bridgeLog,
    close: async () => {
      await client.close();
      await waitFor(() => !isAlive(pid), { what: 'the reverse bridge to exit' });
    },
  };
}

for (const flag of ['--url', '--streamableHttp']) {
  describe(`a 2026-07-28-only remote behind mcp-bridge ${flag}, used by a legacy desktop client`, () => {
    test('initialize is answered from server/discover, and calls carry _meta and the standard headers', async () => {
      const remote = await startModernRemote();
      const app = await desktop([flag, remote.url], {});
      try {
        assert.deepEqual(app.client.getServerVersion(), { name: 'modern-remote', version: '2.0.0' });
        assert.equal(app.client.getInstructions(), 'A 2026-07-28-only test server.');
        assert.ok(app.client.getServerCapabilities()?.tools, 'the tools capability comes from server/discover');
        await app.client.ping();

        const result = await app.client.callTool({ name: 'whoami', arguments: {} });
        const envelope = JSON.parse(firstText(result)) as Record<string, unknown>;
        assert.deepEqual(envelope['io.modelcontextprotocol/clientInfo'], { name: 'legacy-desktop', version: '1.2.3' });
        assert.equal(envelope['io.modelcontextprotocol/protocolVersion'], '2026-07-28');

        const call = remote.seen().find((seen) => seen.method === 'tools/call');
        assert.ok(call, `the remote saw no tools/call:\n${remote.stderr()}`);
        assert.equal(call.headers['mcp-protocol-version'], '2026-07-28');
        assert.equal(call.headers['mcp-method'], 'tools/call');
        assert.equal(call.headers['mcp-name'], 'whoami');
        assert.ok(call.meta?.['io.modelcontextprotocol/clientCapabilities'], 'clientCapabilities in _meta');
        const methods = remote.seen().map((seen) => seen.method);
        assert.ok(!methods.includes('initialize') && !methods.includes('notifications/initialized') && !methods.includes('ping'), `sent: ${methods.join(', ')}`);
        assert.match(app.bridgeLog(), /protocol":"2026-07-28"|2026-07-28/);
      } finally {
        await app.close();
        await remote.stop();
      }
    });

    test('an input_required elicitation reaches the desktop client, and its answer completes the call', async () => {
      const remote = await startModernRemote();
      const asked: string[] = [];
      const app = await desktop([flag, remote.url], { elicitation: {} }, (client) =>
        client.setRequestHandler(ElicitRequestSchema, async (request) => {
          asked.push(request.params.message);
          return { action: 'accept', content: { sure: true } };
        }),
      );
      try {
        const result = await app.client.callTool({ name: 'confirm', arguments: { action: 'deploy' } });
        assert.deepEqual(asked, ['Really deploy?']);
        assert.equal(firstText(result), 'deploy: sure=true state=pending:deploy');
        const calls = remote.seen().filter((seen) => seen.method === 'tools/call');
        assert.equal(calls.length, 2, 'the first call and its retry with inputResponses');
      } finally {
        await app.close();
        await remote.stop();
      }
    });

    test('a desktop client without the elicitation capability gets a clear error instead of a hang', async () => {
      const remote = await startModernRemote();
      const app = await desktop([flag, remote.url], {});
      try {
        await assert.rejects(app.client.callTool({ name: 'confirm', arguments: { action: 'deploy' } }), /did not declare the elicitation capability|do not declare the required capability/);
      } finally {
        await app.close();
        await remote.stop();
      }
    });

    test('progress notifications of a call reach the desktop client, and logging/setLevel travels as _meta logLevel', async () => {
      const remote = await startModernRemote();
      const app = await desktop([flag, remote.url], {});
      try {
        const progress: number[] = [];
        const result = await app.client.callTool({ name: 'count', arguments: {} }, CallToolResultSchema, { onprogress: (event) => progress.push(event.progress) });
        assert.equal(firstText(result), 'counted to 3');
        assert.deepEqual(progress, [1, 2, 3]);

        await app.client.setLoggingLevel('warning');
        await app.client.callTool({ name: 'whoami', arguments: {} });
        const last = remote.seen().filter((seen) => seen.method === 'tools/call').at(-1);
        assert.equal(last?.meta?.['io.modelcontextprotocol/logLevel'], 'warning');
      } finally {
        await app.close();
        await remote.stop();
      }
    });
  });
}

describe('resources/subscribe from a legacy desktop client, to a 2026-07-28 remote behind mcp-bridge --url', () => {
  test('becomes a subscriptions/listen stream whose resources/updated reach the client; unsubscribe ends it', async () => {
    const remote = await startModernRemote();
    const updated: string[] = [];
    const app = await desktop(['--url', remote.url], {}, (client) =>
      client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => void updated.push(notification.params.uri)),
    );
    try {
      assert.equal(app.client.getServerCapabilities()?.resources?.subscribe, true);
      await app.client.subscribeResource({ uri: 'note://1' });
      const listen = remote.seen().find((seen) => seen.method === 'subscriptions/listen');
      assert.deepEqual(listen?.filter?.resourceSubscriptions, ['note://1']);
      await app.client.callTool({ name: 'touch', arguments: {} });
      await waitFor(() => updated.includes('note://1'), { what: 'notifications/resources/updated for note://1' });
      await app.client.unsubscribeResource({ uri: 'note://1' });
      assert.equal(remote.seen().filter((seen) => seen.method === 'subscriptions/listen').length, 1, 'nothing left to listen to: no new stream');
    } finally {
      await app.close();
      await remote.stop();
    }
  });
});

describe('a legacy remote behind mcp-bridge --url', () => {
  test('the 2026-07-28 probe is refused, and the bridge initializes a session as before', async () => {
    const remote = await RemoteServer.start();
    const app = await desktop(['--url', new URL('/mcp', remote.url).href], {});
    try {
      const { tools } = await app.client.listTools();
      assert.ok(tools.length > 0);
      assert.match(app.bridgeLog(), /does not speak 2026-07-28; using initialize and sessions/);
      await waitFor(() => remote.openSessions().length === 1, { what: 'one session on the legacy remote' });
    } finally {
      await app.close();
      await remote.stop();
    }
  });
});

/** Spawns the reverse bridge with pipes for a hand-written desktop client; stdout lines are parsed as JSON. */
function rawDesktop(args: string[]) {
  const proc = spawn(process.execPath, [cliPath, ...args], { stdio: ['pipe', 'pipe', 'ignore'] });
  let stdout = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    send: (message: unknown) => proc.stdin.write(`${JSON.stringify(message)}\n`),
    answer: (id: unknown) =>
      waitFor(() => stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>).find((message) => message.id === id), {
        what: `the answer to ${String(id)}`,
      }),
    close: async () => {
      proc.stdin.end();
      return exited;
    },
  };
}

describe('a desktop client that itself speaks 2026-07-28, behind mcp-bridge --url', () => {
  test('its requests pass through with their own _meta, and input_required comes back to it unchanged', async () => {
    const remote = await startModernRemote();
    const app = rawDesktop(['--url', remote.url]);
    const meta = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'modern-desk', version: '3' },
      'io.modelcontextprotocol/clientCapabilities': { elicitation: {} },
    };
    try {
      app.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {}, _meta: meta } });
      const whoami = (await app.answer(1)) as { result: { content: Array<{ text: string }> } };
      assert.deepEqual(JSON.parse(whoami.result.content[0]!.text)['io.modelcontextprotocol/clientInfo'], { name: 'modern-desk', version: '3' });

      app.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'confirm', arguments: { action: 'ship' }, _meta: meta } });
      const first = (await app.answer(2)) as { result: { resultType: string; requestState: string; inputRequests: Record<string, unknown> } };
      assert.equal(first.result.resultType, 'input_required');
      assert.ok(first.result.inputRequests.confirm);

      const inputResponses = { confirm: { action: 'accept', content: { sure: false } } };
      app.send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'confirm', arguments: { action: 'ship' }, inputResponses, requestState: first.result.requestState, _meta: meta } });
      const done = (await app.answer(3)) as { result: { content: Array<{ text: string }> } };
      assert.equal(done.result.content[0]!.text, 'ship: sure=false state=pending:ship');
      const call = remote.seen().find((seen) => seen.method === 'tools/call');
      assert.equal(call?.headers['mcp-name'], 'whoami');
    } finally {
      assert.equal(await app.close(), 0);
      await remote.stop();
    }
  });
});
