import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { BoundedEventStore } from '../../src/downstream/eventStore.js';

const note = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/message', params: { n } });

async function replay(store: BoundedEventStore, after: string): Promise<{ stream: string; ids: string[] }> {
  const ids: string[] = [];
  const stream = await store.replayEventsAfter(after, { send: async (id) => void ids.push(id) });
  return { stream, ids };
}

test('replay sends only later events of the same stream, in order', async () => {
  const store = new BoundedEventStore(100, 1 << 20);
  const a1 = await store.storeEvent('a', note(1));
  await store.storeEvent('b', note(2));
  const a3 = await store.storeEvent('a', note(3));
  const a4 = await store.storeEvent('a', note(4));
  assert.deepEqual(await replay(store, a1), { stream: 'a', ids: [a3, a4] });
  assert.equal(await store.getStreamIdForEventId(a1), 'a');
});

test('the store forgets the oldest events beyond its count and byte bounds', async () => {
  const store = new BoundedEventStore(2, 1 << 20);
  const first = await store.storeEvent('a', note(1));
  await store.storeEvent('a', note(2));
  await store.storeEvent('a', note(3));
  await store.storeEvent('a', note(4));
  assert.equal((await replay(store, first)).ids.length, 2);
  const tiny = new BoundedEventStore(100, 10);
  const id = await tiny.storeEvent('a', note(1));
  assert.deepEqual((await replay(tiny, id.replace(/\d+$/, '0'))).ids, []);
});

test('a malformed event id is refused', async () => {
  const store = new BoundedEventStore(10, 1000);
  assert.equal(await store.getStreamIdForEventId('nonsense'), undefined);
  await assert.rejects(replay(store, 'nonsense'));
});
