/**
 * The head start of per-session mode: one child spawned at launch is handed to the first session, is not
 * replaced, and a head start that cannot start leaves the gateway running with the usual error for the session.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startBridge } from '../helpers/bridge.js';
import { initializeRequest, post } from '../helpers/http.js';
import { fixtureCommand } from '../helpers/paths.js';
import { isAlive, unspawnableCommand } from '../helpers/processes.js';
import { connectClient } from '../helpers/sdkClients.js';
import { waitFor } from '../helpers/wait.js';

function pidOf(instructions: string | undefined): number {
  return Number(/pid (\d+)/.exec(instructions ?? '')?.[1]);
}

test('the first session gets the child spawned at launch; later sessions spawn their own and none is spawned to replace it', async () => {
  const bridge = await startBridge(['--stdio', fixtureCommand('test-server')]);
  const family: number[] = [];
  try {
    const [headStart] = await waitFor(() => (bridge.children().length === 1 ? bridge.children() : undefined), { what: 'the head start child' });
    const first = await connectClient(bridge.url, 'streamable-http');
    const second = await connectClient(bridge.url, 'sse');
    const pids = [pidOf(first.client.getInstructions()), pidOf(second.client.getInstructions())];
    family.push(...bridge.children());
    assert.equal(pids[0], headStart, 'the first session runs on the head start child');
    assert.notEqual(pids[1], headStart, 'the second session has a child of its own');
    await first.close();
    await second.close();
    await waitFor(() => bridge.children().length === 0, { what: 'no child once both sessions ended (the head start is not replaced)' });
  } finally {
    assert.equal(await bridge.stop(), 0, `bridge exit code; stderr:\n${bridge.stderr()}`);
  }
  assert.deepEqual(family.filter(isAlive), [], 'no child survives the bridge');
});

test('--no-headStart spawns no child until a session opens', async () => {
  const bridge = await startBridge(['--no-headStart', '--stdio', fixtureCommand('test-server')]);
  try {
    assert.deepEqual(bridge.children(), []);
    const client = await connectClient(bridge.url, 'streamable-http');
    assert.ok(bridge.children().includes(pidOf(client.client.getInstructions())));
    await client.close();
    await waitFor(() => bridge.children().length === 0, { what: 'the session child to end' });
  } finally {
    assert.equal(await bridge.stop(), 0, `bridge exit code; stderr:\n${bridge.stderr()}`);
  }
});

test('a head start that cannot be spawned leaves the gateway serving: the first session gets the usual 502 CHILD_START_FAILED', async () => {
  const bridge = await startBridge(['--stdio', unspawnableCommand]);
  try {
    await waitFor(() => bridge.stderr().includes('could not be started'), { what: 'the head start to fail' });
    for (let id = 1; id <= 2; id++) {
      const response = await post(`${bridge.url}/mcp`, initializeRequest(id));
      assert.equal(response.status, 502);
      const body = (await response.json()) as { error?: { data?: { reason?: string } } };
      assert.equal(body.error?.data?.reason, 'CHILD_START_FAILED');
    }
    assert.equal((await fetch(`${bridge.url}/healthz`)).status, 200);
    assert.deepEqual(bridge.children(), []);
  } finally {
    assert.equal(await bridge.stop(), 0, `bridge exit code; stderr:\n${bridge.stderr()}`);
  }
});
