/**
 * Every MCP feature of the test server (test/fixtures/test-server-build.ts), used by real SDK clients:
 * requests and responses, progress, logging, list_changed and resources/updated notifications, and the
 * server-to-client requests (sampling, elicitation, roots) with their answers. The same suite runs
 * through the forward bridge (forward-features.test.ts) and against the SDK-built remote server
 * through the reverse bridge (reverse-features.test.ts); a FeatureTarget adds the checks only its
 * setup can make.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { isAlive } from './processes.js';
import { registerRecordingHandlers, type Seen } from './recordingHandlers.js';
import { connectClient, firstText, type ConnectedClient, type ReverseKind, type TransportKind } from './sdkClients.js';
import { waitFor } from './wait.js';
import { ITEM_TEMPLATE, STATIC_TEXT, STATIC_URI } from '../fixtures/test-server-resources.js';

const FIXTURE_TOOLS = ['add', 'blob', 'crash', 'echo', 'elicit', 'log', 'notify_list_changed', 'progress', 'roots', 'roots_later', 'sample', 'slow', 'update_resource'];

/** The clients of the suite: `main` (with sampling, elicitation and roots) for the whole suite, `other` for one test. */
export type SessionRole = 'main' | 'other';

/** What the suite's clients connect to, and the checks only that setup can make. */
export interface FeatureTarget {
  /** Base URL the clients connect to (they use /mcp or /sse under it, as their kind says). */
  url: string;
  /** Extra flags for the reverse mcp-bridge a reverse-kind client spawns (default none). */
  reverseArgs?: string[];
  /** Called once the session of a new client answered `echo` with the pid of the server process behind it. */
  sessionOpened(role: SessionRole, pid: number): void | Promise<void>;
  /** Waits until the session of `role` has ended, after its client closed. */
  sessionClosed(role: SessionRole): Promise<void>;
  /** Called after every client closed: waits for their sessions to end, stops the target and checks nothing it started survives. */
  stop(): Promise<void>;
}

async function serverPid(client: Client): Promise<number> {
  const result = await client.callTool({ name: 'echo', arguments: { text: 'who are you' } });
  const pid = (result.structuredContent as { pid?: unknown } | undefined)?.pid;
  assert.equal(typeof pid, 'number', `echo should report its pid: ${JSON.stringify(result)}`);
  return pid as number;
}

/**
 * Declares `describe(title)` with the feature tests, run by clients of `kind` against the target
 * `start` returns. Every client is closed after the suite (a reverse bridge it spawned must exit),
 * then the target is stopped.
 */
export function describeFeatureSuite(title: string, kind: TransportKind | ReverseKind, start: () => Promise<FeatureTarget>): void {
  describe(title, { timeout: 60_000 }, () => {
    let target: FeatureTarget | undefined;
    let main: ConnectedClient;
    let mainPid: number;
    const open = new Set<ConnectedClient>();
    const rootUri = `file:///workspace/${encodeURIComponent(kind)}`;
    const seen: Seen = { sampling: [], elicitation: [], roots: 0, logs: [], updated: [], listChanged: { tools: 0, resources: 0, prompts: 0 } };

    const connect = async (options: Parameters<typeof connectClient>[2] = {}): Promise<ConnectedClient> => {
      const connected = await connectClient(target!.url, kind, { reverseArgs: target!.reverseArgs, ...options });
      open.add(connected);
      return connected;
    };
    const close = async (connected: ConnectedClient): Promise<void> => {
      open.delete(connected);
      await connected.close();
      const pid = connected.pid;
      if (pid !== undefined) await waitFor(() => !isAlive(pid), { what: `the reverse bridge ${pid} to exit after its client closed` });
    };

    before(async () => {
      target = await start();
      main = await connect({
        capabilities: { sampling: {}, elicitation: {}, roots: { listChanged: true } },
        setup: (client) => registerRecordingHandlers(client, seen, rootUri),
      });
      mainPid = await serverPid(main.client);
      await target.sessionOpened('main', mainPid);
    });

    after(async () => {
      try {
        for (const connected of open) await close(connected);
      } finally {
        await target?.stop();
      }
    });

    test('initialize returns the server info, capabilities and instructions', () => {
      assert.equal(main.client.getServerVersion()?.name, 'test-server');
      const capabilities = main.client.getServerCapabilities();
      assert.ok(capabilities?.tools, 'tools capability');
      assert.deepEqual(capabilities?.resources, { subscribe: true, listChanged: true });
      assert.ok(capabilities?.prompts, 'prompts capability');
      assert.ok(capabilities?.logging, 'logging capability');
      assert.equal(main.client.getInstructions(), `mcp-bridge test server, pid ${mainPid}`);
    });

    test('tools/list lists every tool of the server, schemas included', async () => {
      const { tools } = await main.client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), FIXTURE_TOOLS);
      assert.ok(tools.find((t) => t.name === 'echo')?.outputSchema, 'tool schemas are relayed');
    });

    test('tools/call returns the server answers, structured content included', async () => {
      const echo = await main.client.callTool({ name: 'echo', arguments: { text: `hello over ${kind}` } });
      assert.equal(firstText(echo), `hello over ${kind}`);
      assert.deepEqual(echo.structuredContent, { text: `hello over ${kind}`, pid: mainPid });
      const sum = await main.client.callTool({ name: 'add', arguments: { a: 40, b: 2 } });
      assert.equal(firstText(sum), '42');
      assert.deepEqual(sum.structuredContent, { sum: 42 });
    });

    test('an invalid tools/call comes back as the server reported it', async () => {
      const result = await main.client.callTool({ name: 'add', arguments: { a: 'x', b: 2 } });
      assert.equal(result.isError, true, JSON.stringify(result));
    });

    test('resources/list and resources/read return the static text resource', async () => {
      const { resources } = await main.client.listResources();
      assert.deepEqual(
        resources.map((r) => r.uri),
        [STATIC_URI],
      );
      const { contents } = await main.client.readResource({ uri: STATIC_URI });
      assert.deepEqual(contents, [{ uri: STATIC_URI, mimeType: 'text/plain', text: STATIC_TEXT }]);
    });

    test('resources/templates/list and reading a templated URI work', async () => {
      const { resourceTemplates } = await main.client.listResourceTemplates();
      assert.deepEqual(
        resourceTemplates.map((t) => t.uriTemplate),
        [ITEM_TEMPLATE],
      );
      const { contents } = await main.client.readResource({ uri: 'test://items/42' });
      assert.deepEqual(contents, [{ uri: 'test://items/42', mimeType: 'text/plain', text: `item 42 (pid ${mainPid})` }]);
    });

    test('prompts/list and prompts/get return the greet prompt with its argument', async () => {
      const { prompts } = await main.client.listPrompts();
      assert.equal(prompts.length, 1);
      assert.equal(prompts[0]?.name, 'greet');
      assert.deepEqual(
        prompts[0]?.arguments?.map((a) => [a.name, a.required]),
        [['name', true]],
      );
      const prompt = await main.client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } });
      assert.deepEqual(prompt.messages, [{ role: 'user', content: { type: 'text', text: 'Hello, Ada!' } }]);
    });

    test('progress notifications reach only the client that asked, in order, before its answer', async () => {
      const other = await connect({ name: 'other' });
      const otherPid = await serverPid(other.client);
      await target!.sessionOpened('other', otherPid);
      const mainProgress: Progress[] = [];
      const otherProgress: Progress[] = [];
      // Both clients number their requests the same way, so their progress tokens collide. `confirm` makes the tool
      // ping the client before answering: the SDK Client would otherwise drop progress that arrives with the answer.
      const [mainResult, otherResult] = await Promise.all([
        main.client.callTool({ name: 'progress', arguments: { count: 5, tag: 'main', confirm: true } }, undefined, { onprogress: (p) => mainProgress.push(p) }),
        other.client.callTool({ name: 'progress', arguments: { count: 7, tag: 'other', confirm: true } }, undefined, { onprogress: (p) => otherProgress.push(p) }),
      ]);
      assert.deepEqual(mainResult.structuredContent, { sent: 5, tag: 'main', pid: mainPid });
      assert.deepEqual(otherResult.structuredContent, { sent: 7, tag: 'other', pid: otherPid });
      assert.deepEqual(
        mainProgress.map((p) => [p.progress, p.total, p.message]),
        [1, 2, 3, 4, 5].map((i) => [i, 5, `main ${i}/5`]),
      );
      assert.deepEqual(
        otherProgress.map((p) => [p.progress, p.total, p.message]),
        [1, 2, 3, 4, 5, 6, 7].map((i) => [i, 7, `other ${i}/7`]),
      );
      await close(other);
      await target!.sessionClosed('other');
    });

    test('a slow tool reports progress while it runs', async () => {
      const progress: Progress[] = [];
      const result = await main.client.callTool({ name: 'slow', arguments: { ms: 200, steps: 4, confirm: true } }, undefined, {
        onprogress: (p) => progress.push(p),
      });
      assert.deepEqual(result.structuredContent, { ms: 200, pid: mainPid });
      assert.deepEqual(
        progress.map((p) => p.progress),
        [1, 2, 3, 4],
      );
    });

    test('logging notifications reach the client', async () => {
      await main.client.setLoggingLevel('debug');
      const before = seen.logs.length;
      await main.client.callTool({ name: 'log', arguments: { message: `log over ${kind}`, count: 3, level: 'warning' } });
      await waitFor(() => seen.logs.length >= before + 3, { what: 'three logging notifications' });
      assert.deepEqual(seen.logs.slice(before), [1, 2, 3].map((i) => ({ level: 'warning', data: `log over ${kind} #${i}` })));
    });

    test('a sampling/createMessage request from the server round-trips through the client', async () => {
      const result = await main.client.callTool({ name: 'sample', arguments: { prompt: `what is 6*7 over ${kind}?` } });
      assert.deepEqual(seen.sampling, [`what is 6*7 over ${kind}?`]);
      assert.deepEqual(result.structuredContent, { text: `sampled: what is 6*7 over ${kind}?`, model: 'test-model', role: 'assistant' });
    });

    test('an elicitation/create request from the server round-trips through the client', async () => {
      const result = await main.client.callTool({ name: 'elicit', arguments: { message: 'Your name?' } });
      assert.deepEqual(seen.elicitation, ['Your name?']);
      assert.deepEqual(result.structuredContent, { action: 'accept', answer: 'elicited: Your name?' });
    });

    test('a roots/list request from the server round-trips through the client', async () => {
      const result = await main.client.callTool({ name: 'roots', arguments: {} });
      assert.equal(seen.roots, 1);
      assert.deepEqual(result.structuredContent, { roots: [{ uri: rootUri, name: 'workspace' }] });
    });

    test('resources/subscribe makes resources/updated reach the subscriber; unsubscribe stops it', async () => {
      await main.client.subscribeResource({ uri: STATIC_URI });
      const notified = await main.client.callTool({ name: 'update_resource', arguments: { uri: STATIC_URI } });
      assert.deepEqual(notified.structuredContent, { notified: true });
      await waitFor(() => seen.updated.includes(STATIC_URI), { what: 'notifications/resources/updated' });
      assert.deepEqual(seen.updated, [STATIC_URI]);
      await main.client.unsubscribeResource({ uri: STATIC_URI });
      const silent = await main.client.callTool({ name: 'update_resource', arguments: { uri: STATIC_URI } });
      assert.deepEqual(silent.structuredContent, { notified: false });
    });

    test('tools, resources and prompts list_changed notifications reach the client', async () => {
      await main.client.callTool({ name: 'notify_list_changed', arguments: { which: 'all' } });
      await waitFor(() => seen.listChanged.tools && seen.listChanged.resources && seen.listChanged.prompts, {
        what: 'three list_changed notifications',
      });
      assert.deepEqual(seen.listChanged, { tools: 1, resources: 1, prompts: 1 });
    });

    test('the client saw no transport or protocol errors', () => {
      assert.deepEqual(
        main.errors.map((e) => e.message),
        [],
      );
    });
  });
}
