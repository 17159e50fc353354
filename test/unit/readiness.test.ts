import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LateChildObserver } from '../../src/core/observers.js';
import { StartReadiness } from '../../src/core/readiness.js';
import { errorCodeLabel, exitCodeLabel, methodLabel } from '../../src/metrics/labels.js';
import { waitFor } from '../helpers/wait.js';

test('readiness turns unready only after the threshold of consecutive failed starts, and a first message clears it', () => {
  const readiness = new StartReadiness({ failureThreshold: 3 });
  readiness.startFailed('one');
  readiness.startFailed('two');
  readiness.firstMessage();
  readiness.startFailed('three');
  readiness.startFailed('four');
  assert.equal(readiness.notReadyReason, undefined, 'a success in between resets the count');
  readiness.startFailed('spawn /x ENOENT');
  assert.match(readiness.notReadyReason ?? '', /3 times in a row; last: spawn \/x ENOENT/);
  readiness.firstMessage();
  assert.equal(readiness.notReadyReason, undefined);
});

test('a command that cannot be spawned at all makes readiness unready at its first failure, saying so; a first message clears it', () => {
  const readiness = new StartReadiness({ failureThreshold: 3 });
  readiness.startFailed('spawn /x ENOENT', true);
  assert.match(readiness.notReadyReason ?? '', /^the MCP server command cannot be run: spawn \/x ENOENT$/);
  readiness.firstMessage();
  assert.equal(readiness.notReadyReason, undefined);
});

test('after the cool-down readiness lets one more attempt in, and a further failure makes it unready again', async () => {
  const readiness = new StartReadiness({ failureThreshold: 1, coolDownMs: 50 });
  readiness.startFailed('boom');
  assert.ok(readiness.notReadyReason);
  await waitFor(() => readiness.notReadyReason === undefined, { what: 'the cool-down to pass' });
  readiness.startFailed('boom again');
  assert.match(readiness.notReadyReason ?? '', /2 times in a row/);
});

test('label values from clients and servers are bounded', () => {
  assert.equal(methodLabel('tools/call'), 'tools/call');
  assert.equal(methodLabel('x'.repeat(1000)), 'other');
  assert.equal(errorCodeLabel(-32601), '-32601');
  assert.equal(errorCodeLabel(42), 'other');
  assert.equal(exitCodeLabel(3), '3');
  assert.equal(exitCodeLabel(-1), 'other');
});

test('a late child observer replays what children reported before attach, in order, then forwards directly', () => {
  const late = new LateChildObserver();
  const seen: string[] = [];
  late.spawned(4242);
  late.bytes('server_to_client', 12);
  late.startFailed('ENOENT');
  late.attach({ spawned: () => seen.push('spawned'), bytes: (direction, count) => seen.push(`${direction} ${count}`), startFailed: (detail) => seen.push(`failed ${detail}`) });
  assert.deepEqual(seen, ['spawned', 'server_to_client 12', 'failed ENOENT']);
  late.exited({ pid: 4242, code: 0, signal: null });
  late.spawned(4242);
  assert.deepEqual(seen.slice(3), ['spawned'], 'events the target does not watch are skipped');
});
