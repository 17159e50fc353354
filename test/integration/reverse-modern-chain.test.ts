/**
 * Both era translations in one chain: a legacy SDK v1 desktop client → mcp-bridge reverse (which
 * finds that the forward bridge speaks 2026-07-28 and translates to it) → mcp-bridge forward (which
 * translates 2026-07-28 back for its session-era stdio server). Calls, logging, and a
 * server-to-client request (sampling: input_required on the wire between the two bridges) must
 * all survive the round trip.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateMessageRequestSchema, LoggingMessageNotificationSchema, type LoggingMessageNotification } from '@modelcontextprotocol/sdk/types.js';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { fixtureCommand } from '../helpers/paths.js';
import { connectClient, firstText, type ConnectedClient } from '../helpers/sdkClients.js';
import { isAlive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

describe('a legacy desktop client reaches a session-era server through two era translations', { timeout: 90_000 }, () => {
  let forward: RunningBridge;
  let desktop: ConnectedClient;
  const logs: LoggingMessageNotification['params'][] = [];

  before(async () => {
    forward = await startBridge(['--stdio', fixtureCommand('test-server')]);
    desktop = await connectClient(forward.url, 'reverse --streamableHttp', {
      capabilities: { sampling: {} },
      reverseArgs: ['--protocolEra', 'modern'],
      setup: (client) => {
        client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => void logs.push(notification.params));
        client.setRequestHandler(CreateMessageRequestSchema, (request) => {
          const content = request.params.messages[0]?.content;
          const text = content && 'text' in content ? content.text : '';
          return { role: 'assistant', model: 'chain-model', content: { type: 'text', text: `sampled: ${text}` } };
        });
      },
    });
  });

  after(async () => {
    await desktop?.close();
    if (desktop?.pid) await waitFor(() => !isAlive(desktop.pid!), { what: 'the reverse bridge to exit' });
    assert.equal(await forward?.stop(), 0);
    assert.deepEqual(forward.children(), [], 'the forward bridge left no child behind');
  });

  test('initialize is answered from server/discover with the server identity', () => {
    assert.equal(desktop.client.getServerVersion()?.name, 'test-server');
  });

  test('a tool call returns its own result', async () => {
    const result = await desktop.client.callTool({ name: 'echo', arguments: { text: 'through two bridges' } });
    assert.match(firstText(result), /through two bridges/);
  });

  test('log messages reach the client after logging/setLevel', async () => {
    await desktop.client.setLoggingLevel('debug');
    await desktop.client.callTool({ name: 'log', arguments: { message: 'chain', count: 3, level: 'warning' } });
    await waitFor(() => logs.length >= 3, { what: 'three log messages' });
    assert.deepEqual(
      logs.map((entry) => entry.data),
      ['chain #1', 'chain #2', 'chain #3'],
    );
  });

  test('a sampling request from the server round-trips through the desktop client', async () => {
    const result = await desktop.client.callTool({ name: 'sample', arguments: { prompt: 'six times seven' } });
    assert.deepEqual(result.structuredContent, { text: 'sampled: six times seven', model: 'chain-model', role: 'assistant' });
  });
});

