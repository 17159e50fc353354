import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdleTimer } from '../../src/shared/idleTimer.js';

/** Resolves once `condition` holds, checking every few milliseconds (at most `limitMs`). */
async function until(condition: () => boolean, limitMs = 2000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test('an IdleTimer calls onIdle once, idleMs after the last activity, and not while busy', async () => {
  let busy = true;
  let idleAt: number | undefined;
  const timer = new IdleTimer(60, () => busy, () => (idleAt = performance.now()));
  timer.start();
  timer.start(); // armed once
  const touchedUntil = performance.now() + 150;
  while (performance.now() < touchedUntil) {
    timer.touch();
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(idleAt, undefined, 'activity keeps it from idling');
  await until(() => performance.now() > touchedUntil + 150);
  assert.equal(idleAt, undefined, 'a busy check counts as activity');
  busy = false;
  const freeAt = performance.now();
  await until(() => idleAt !== undefined);
  assert.ok(idleAt! - freeAt < 1000);
  assert.ok(idleAt! - timer.lastActiveAt >= 60, 'idle for idleMs at least');
});

test('a stopped IdleTimer never calls onIdle; start() arms it again', async () => {
  let idled = 0;
  const timer = new IdleTimer(30, () => false, () => idled++);
  timer.start();
  timer.stop();
  const waitedUntil = performance.now() + 120;
  await until(() => performance.now() > waitedUntil);
  assert.equal(idled, 0);
  timer.start();
  await until(() => idled === 1);
});
