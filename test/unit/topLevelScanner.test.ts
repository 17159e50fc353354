import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanTopLevel, TopLevelScanner } from '../../src/shared/topLevelScanner.js';

/** Feeds `text` in pieces of `size` bytes, to cross every boundary a pipe may cut at. */
function scanInPieces(text: string, size: number): ReturnType<TopLevelScanner['result']> {
  const bytes = Buffer.from(text);
  const scanner = new TopLevelScanner();
  for (let i = 0; i < bytes.length; i += size) scanner.push(bytes.subarray(i, i + size));
  return scanner.result();
}

test('finds the id after a large result, as SDK servers write it', () => {
  const text = JSON.stringify({ result: { content: [{ type: 'text', text: 'x'.repeat(100_000) }] }, jsonrpc: '2.0', id: 42 });
  assert.deepEqual(scanTopLevel(text), { id: 42, hasMethod: false });
});

test('finds string ids with escapes, null ids and the method member, in any piece size', () => {
  const text = '{"jsonrpc":"2.0","method":"tools/call","params":{"id":"inner","a":[1,{"id":9}]},"id":"a\\"b\\\\"}';
  for (const size of [1, 2, 3, 7, 64]) assert.deepEqual(scanInPieces(text, size), { id: 'a"b\\', hasMethod: true }, `pieces of ${size}`);
  assert.deepEqual(scanTopLevel('{"id":null,"error":{"code":1,"message":"m"}}'), { id: null, hasMethod: false });
  assert.deepEqual(scanTopLevel('{ "id" : -1.5e3 , "result" : {} }'), { id: -1500, hasMethod: false });
});

test('ignores ids nested deeper than the top level and strings that look like members', () => {
  const text = '{"result":{"id":1,"text":"\\"id\\":2, \\"method\\":\\"x\\""},"jsonrpc":"2.0"}';
  assert.deepEqual(scanTopLevel(text), { id: undefined, hasMethod: false });
});

test('an id that is not a string, number or null, or that is longer than 256 bytes, is no id', () => {
  assert.equal(scanTopLevel('{"id":{"x":1},"result":{}}').id, undefined);
  assert.equal(scanTopLevel('{"id":true,"result":{}}').id, undefined);
  assert.equal(scanTopLevel(`{"id":"${'i'.repeat(300)}","result":{}}`).id, undefined);
  assert.equal(scanTopLevel(`{"id":"${'i'.repeat(200)}","result":{}}`).id, 'i'.repeat(200));
});

test('a later duplicate id wins, and a text cut before the end reports what it saw', () => {
  assert.equal(scanTopLevel('{"id":1,"id":2}').id, 2);
  assert.deepEqual(scanTopLevel('{"id":7,"result":{"text":"unfinished'), { id: 7, hasMethod: false });
  assert.equal(scanTopLevel('{"result":{},"id":12').id, 12);
});

test('anything but an object at the top has no id', () => {
  assert.equal(scanTopLevel('[{"id":1}]').id, undefined);
  assert.equal(scanTopLevel('"id"').id, undefined);
  assert.equal(scanTopLevel('not json at all').id, undefined);
});

test('multi-byte characters in a split id are decoded whole', () => {
  const text = '{"result":{},"id":"é€ü"}';
  for (const size of [1, 2, 5]) assert.equal(scanInPieces(text, size).id, 'é€ü');
});

test('scans 16 MiB in well under a second', () => {
  const chunk = Buffer.from(JSON.stringify({ result: { content: [{ type: 'text', text: 'y'.repeat(16 * 1024 * 1024) }] }, jsonrpc: '2.0', id: 'big' }));
  const started = performance.now();
  const scanner = new TopLevelScanner();
  for (let i = 0; i < chunk.length; i += 65_536) scanner.push(chunk.subarray(i, i + 65_536));
  assert.equal(scanner.result().id, 'big');
  assert.ok(performance.now() - started < 1000, `${performance.now() - started} ms`);
});
