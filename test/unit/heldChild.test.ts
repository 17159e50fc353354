// A child spawned at launch and held (upstream/child/heldChild.ts): the transport that adopts it gets
// everything it said and did before, in order; a transport for another command does not; release stops it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adoptHeldChild, holdChild, releaseHeldChild, spawnSpec } from '../../src/upstream/child/heldChild.js';
import type { ChildCommand } from '../../src/upstream/child/options.js';
import { StdioChildTransport } from '../../src/upstream/child/stdioChild.js';
import { silentLogger } from '../../src/shared/log.js';
import { isAlive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

/** A node child running `script`, with the limits the transport needs. */
function nodeCommand(script: string, env: Record<string, string> = {}): ChildCommand {
  return { command: process.execPath, args: ['-e', script], shell: false, cwd: undefined, env, passEnv: [], maxLineBytes: 1 << 20, killGraceMs: 2000, maxBacklogBytes: 1 << 20 };
}

test('a child that answered and exited before its transport adopted it still delivers its message and its exit', async () => {
  const command = nodeCommand('console.log(JSON.stringify({ jsonrpc: "2.0", id: 7, result: {} })); console.error("said on stderr"); process.exitCode = 3');
  const held = holdChild(spawnSpec(command, process.env));
  await waitFor(() => held.process.exitCode !== null, { what: 'the held child to exit' });
  const transport = new StdioChildTransport(command, silentLogger);
  const messages: unknown[] = [];
  let closed = false;
  transport.onmessage = (message) => void messages.push(message);
  transport.onclose = () => void (closed = true);
  await transport.start();
  assert.equal(transport.pid, held.process.pid, 'the transport adopted the held child');
  await waitFor(() => closed, { what: 'the transport to see the exit' });
  assert.deepEqual(messages, [{ jsonrpc: '2.0', id: 7, result: {} }]);
  assert.equal(transport.exit?.code, 3);
});

test('a transport for another command (here another environment) spawns its own; release stops the held child', async () => {
  const script = 'process.stdin.resume()';
  const held = holdChild(spawnSpec(nodeCommand(script), process.env));
  const heldPid = held.process.pid!;
  const transport = new StdioChildTransport(nodeCommand(script, { OTHER: '1' }), silentLogger);
  try {
    await transport.start();
    assert.notEqual(transport.pid, heldPid, 'a child of its own');
    assert.equal(adoptHeldChild(spawnSpec(nodeCommand(script, { OTHER: '1' }), process.env)), undefined);
  } finally {
    await Promise.all([transport.close(), releaseHeldChild(2000)]);
  }
  assert.equal(isAlive(heldPid), false, 'the held child is gone');
  assert.equal(isAlive(transport.pid!), false, 'the transport\'s child is gone');
});
