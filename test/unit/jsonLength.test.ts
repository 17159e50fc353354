import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonLength } from '../../src/downstream/jsonLength.js';

test('jsonLength equals the length of JSON.stringify for messages without escapes', () => {
  const values: unknown[] = [
    { jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: 'x'.repeat(1000) }], isError: false } },
    { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'tok', progress: 1.5, total: null } },
    { jsonrpc: '2.0', id: 'a', result: {} },
    [[], {}, [1, true, null], { a: [] }],
    'plain',
    -12.25e-7,
  ];
  for (const value of values) assert.equal(jsonLength(value), JSON.stringify(value).length, JSON.stringify(value).slice(0, 60));
});

test('jsonLength skips undefined fields as JSON.stringify does, and survives deep nesting', () => {
  assert.equal(jsonLength({ a: 1, b: undefined }), JSON.stringify({ a: 1, b: undefined }).length);
  let deep: unknown = 0;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.equal(jsonLength(deep), 200_001);
});
