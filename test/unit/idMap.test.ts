import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { IdMap, ServerRequestMap } from '../../src/core/idMap.js';
import { childrenOptions } from '../../src/config/children.js';
import { BridgeError } from '../../src/shared/errors.js';
import { negotiatedVersion } from '../../src/upstream/child/sharedSession.js';

test('colliding ids of two owners get distinct child ids and come back with their own value and type', () => {
  const map = new IdMap<string>();
  const a1 = map.add('a', 1);
  const aString = map.add('a', '1');
  const b1 = map.add('b', 1, 'token');
  assert.equal(new Set([a1.childId, aString.childId, b1.childId]).size, 3);
  assert.equal(map.childIdOf('a', '1'), aString.childId);
  assert.equal(map.childIdOf('b', '1'), undefined);
  assert.deepEqual([map.take(b1.childId)?.owner, b1.id, b1.token], ['b', 1, 'token']);
  assert.equal(map.take(b1.childId), undefined, 'an answer is taken once');
  assert.equal(map.get(String(a1.childId)), undefined, 'only the numbers the map gave out match');
  assert.deepEqual(map.takeAll('a').map((entry) => entry.id), [1, '1']);
  assert.equal(map.size, 0);
});

test('a server request is answered only by the owner it was sent to', () => {
  const map = new ServerRequestMap<string, string>();
  const id = map.add('child', 'srv-1', 'a');
  assert.equal(map.take(id, 'b'), undefined);
  assert.deepEqual(map.take(id, 'a'), { child: 'child', childRequestId: 'srv-1', owner: 'a' });
  assert.equal(map.take(id, 'a'), undefined);
});

test('a client gets the version it asked for when the shared server speaks it, else the server\'s', () => {
  assert.equal(negotiatedVersion('2025-03-26', '2025-11-25', SUPPORTED_PROTOCOL_VERSIONS), '2025-03-26');
  assert.equal(negotiatedVersion('2025-11-25', '2025-06-18', SUPPORTED_PROTOCOL_VERSIONS), '2025-06-18');
  assert.equal(negotiatedVersion('2099-01-01', '2025-11-25', SUPPORTED_PROTOCOL_VERSIONS), '2025-11-25');
  assert.equal(negotiatedVersion(undefined, '2025-11-25', SUPPORTED_PROTOCOL_VERSIONS), '2025-11-25');
});

test('session modes: per-session with a head start by default; --pool needs shared, --prespawn needs per-session', () => {
  assert.deepEqual(childrenOptions({}), { sessionMode: 'per-session', pool: 1, prespawn: 0, headStart: true, childIdleTimeoutMs: 60_000, maxChildren: 0 });
  assert.deepEqual(childrenOptions({ headStart: false }), { sessionMode: 'per-session', pool: 1, prespawn: 0, headStart: false, childIdleTimeoutMs: 60_000, maxChildren: 0 });
  assert.deepEqual(childrenOptions({ sessionMode: 'shared', pool: 3 }), { sessionMode: 'shared', pool: 3, prespawn: 0, headStart: false, childIdleTimeoutMs: 60_000, maxChildren: 0 });
  assert.throws(() => childrenOptions({ pool: 2 }), BridgeError);
  assert.throws(() => childrenOptions({ sessionMode: 'shared', prespawn: 2 }), BridgeError);
  assert.throws(() => childrenOptions({ sessionMode: 'shared', pool: 0 }), BridgeError);
  assert.throws(() => childrenOptions({ sessionMode: 'pooled' }), BridgeError);
});
