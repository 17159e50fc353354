import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HoldQueue } from '../../src/downstream/holdQueue.js';
import { waitFor } from '../helpers/wait.js';

/** A holder that records when its wait ended. */
function holder(log: string[], name: string): { endHold(): void } {
  return { endHold: () => void log.push(name) };
}

test('held streams are released after their time, in the order they were held', async () => {
  const queue = new HoldQueue(30);
  const released: string[] = [];
  const heldAt = performance.now();
  queue.hold(holder(released, 'a'));
  queue.hold(holder(released, 'b'));
  await waitFor(() => released.length === 2 || undefined, { what: 'both releases' });
  assert.deepEqual(released, ['a', 'b']);
  assert.ok(performance.now() - heldAt >= 29, 'not before their time');
});

test('a cancelled stream is never released, and the others still are', async () => {
  const queue = new HoldQueue(20);
  const released: string[] = [];
  const a = holder(released, 'a');
  const ticket = queue.hold(a);
  queue.hold(holder(released, 'b'));
  queue.cancel(ticket, a);
  await waitFor(() => released.length === 1 || undefined, { what: 'the release of b' });
  const later = holder(released, 'c');
  queue.hold(later);
  await waitFor(() => released.length === 2 || undefined, { what: 'the release of c, after the queue emptied' });
  assert.deepEqual(released, ['b', 'c']);
});

test('a ticket only cancels its own stream, also after the queue has been compacted', async () => {
  const queue = new HoldQueue(10);
  const released: string[] = [];
  // 2,000 streams: more than the 1,024 released entries after which the queue forgets them.
  for (let i = 0; i < 2000; i++) queue.hold(holder(released, `x${i}`));
  await waitFor(() => released.length === 2000 || undefined, { what: 'the first 2,000 releases' });
  const kept = holder(released, 'kept');
  const dropped = holder(released, 'dropped');
  const keptTicket = queue.hold(kept);
  queue.hold(dropped);
  queue.cancel(keptTicket, dropped); // the wrong stream for this ticket: nothing happens
  await waitFor(() => released.length === 2002 || undefined, { what: 'both later releases' });
  assert.deepEqual(released.slice(-2), ['kept', 'dropped']);
});
