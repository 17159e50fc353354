import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedEventStore } from '../../src/downstream/streamableHttp/eventStore.js';

const note = (n: number): string => JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { n } });

const idsAfter = (store: BoundedEventStore, after: string): string[] => store.eventsAfter(after).map((event) => event.id);

test('replay gives only later events of the same stream, in order, with their JSON texts', () => {
  const store = new BoundedEventStore(100, 1 << 20);
  const a1 = store.store('a', note(1));
  store.store('b', note(2));
  const a3 = store.store('a', note(3));
  const a4 = store.store('a', note(4));
  assert.deepEqual(store.eventsAfter(a1), [
    { id: a3, data: note(3) },
    { id: a4, data: note(4) },
  ]);
  assert.equal(store.streamOf(a1), 'a');
});

test('a priming mark has an id in its stream but is never replayed', () => {
  const store = new BoundedEventStore(100, 1 << 20);
  const mark = store.mark('a');
  const a2 = store.store('a', note(2));
  assert.equal(store.streamOf(mark), 'a');
  assert.deepEqual(idsAfter(store, mark), [a2]);
});

test('the store forgets the oldest events beyond its count and byte bounds', () => {
  const store = new BoundedEventStore(2, 1 << 20);
  const first = store.store('a', note(1));
  store.store('a', note(2));
  store.store('a', note(3));
  store.store('a', note(4));
  assert.equal(idsAfter(store, first).length, 2);
  const tiny = new BoundedEventStore(100, 10);
  const id = tiny.store('a', note(1));
  assert.deepEqual(idsAfter(tiny, id.replace(/\d+$/, '0')), []);
});

test('a malformed event id belongs to no stream and replays nothing', () => {
  const store = new BoundedEventStore(10, 1000);
  store.store('a', note(1));
  assert.equal(store.streamOf('nonsense'), undefined);
  assert.deepEqual(store.eventsAfter('nonsense'), []);
});

test('eviction passes over priming marks and events too large to keep, and keeps the newest events', () => {
  const store = new BoundedEventStore(3, 400);
  const ids: string[] = [];
  for (let n = 1; n <= 10; n++) {
    store.mark('a');
    if (n === 5) store.store('a', 'x'.repeat(500)); // larger than the whole byte bound: never kept
    ids.push(store.store('a', note(n)));
  }
  assert.deepEqual(idsAfter(store, 'a:0'), ids.slice(-3));
  const roomy = new BoundedEventStore(100, 3 * note(1).length);
  for (let n = 1; n <= 6; n++) roomy.store('a', note(n));
  assert.equal(idsAfter(roomy, 'a:0').length, 3);
});
