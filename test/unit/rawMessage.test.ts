import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { jsonText, wireForm } from '../../src/shared/jsonrpc.js';
import { RawJson } from '../../src/shared/rawJson.js';
import { rawJsonOf, rawResponse, withId } from '../../src/shared/rawMessage.js';
import { TopLevelScanner } from '../../src/shared/topLevelScanner.js';

/** `text` as a raw message read in pieces of `size` bytes (as a pipe cuts it), or undefined when it is not one. */
function readRaw(text: string, size = 7): JSONRPCMessage | undefined {
  const bytes = Buffer.from(text);
  const parts: Buffer[] = [];
  const scanner = new TopLevelScanner();
  for (let i = 0; i < bytes.length; i += size) {
    parts.push(bytes.subarray(i, i + size));
    scanner.push(parts.at(-1)!);
  }
  return rawResponse(new RawJson(parts), scanner.layout());
}

/** The bytes a raw message goes out as, as text. */
function wire(message: JSONRPCMessage): string {
  const form = wireForm(message);
  assert.ok(form instanceof RawJson, 'passes on as its bytes');
  return Buffer.concat(form.parts).toString('utf8');
}

// A payload full of things that look like ids: escaped quotes, nested ids, a string `"id":`.
const tricky = { content: [{ type: 'text', text: 'a \\"id\\":3, "id": 4 } {"id":5' + 'é€'.repeat(20) }], id: 6, nested: { id: 'seven' } };

test('a response passes on as its bytes, routed by its id, with its result parsed only when read', () => {
  const text = JSON.stringify({ result: tricky, jsonrpc: '2.0', id: 17 });
  for (const size of [1, 3, 64, 100_000]) {
    const message = readRaw(text, size)!;
    assert.equal((message as { id: unknown }).id, 17, `pieces of ${size}`);
    assert.ok('result' in message && !('method' in message) && !('error' in message));
    assert.equal(wire(message), text);
  }
  const message = readRaw(text)!;
  assert.deepEqual((message as { result: unknown }).result, tricky);
  // Read, the result may be changed by its reader: the bytes no longer speak for the message.
  assert.equal(rawJsonOf(message), undefined);
  assert.deepEqual(JSON.parse(jsonText(message)), JSON.parse(text));
});

test('withId replaces only the top-level id, keeping its type, whether the id comes before or after the result', () => {
  for (const order of ['after', 'before'] as const) {
    const fields = order === 'after' ? { result: tricky, jsonrpc: '2.0', id: 17 } : { id: 17, jsonrpc: '2.0', result: tricky };
    const message = readRaw(JSON.stringify(fields))!;
    for (const id of ['client-1', 5, 'a"b\\c', 12345678901, '']) {
      const restored = withId(message, id);
      assert.deepEqual(JSON.parse(wire(restored)), { ...fields, id }, `${order}, id ${JSON.stringify(id)}`);
      assert.equal((restored as { id: unknown }).id, id);
      // The original keeps its own bytes and id.
      assert.equal(JSON.parse(wire(message)).id, 17);
    }
    // A second splice starts from the first one's bytes.
    assert.equal(JSON.parse(wire(withId(withId(message, 'longer-id-than-before'), 9))).id, 9);
  }
});

test('small scalars are parsed at once; objects are parsed when read, however small', () => {
  const message = readRaw(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { a: 1 } }))!;
  assert.ok(rawJsonOf(message));
  assert.deepEqual((message as { result: unknown }).result, { a: 1 });
  assert.equal(rawJsonOf(message), undefined);
});

test('an error response passes too, and a string id comes back a string', () => {
  const text = JSON.stringify({ jsonrpc: '2.0', id: '3', error: { code: -32000, message: 'x'.repeat(5000) } });
  const message = readRaw(text)!;
  assert.equal((message as { id: unknown }).id, '3');
  assert.equal(JSON.parse(wire(withId(message, 3))).id, 3);
  assert.equal((message as { error: { code: number } }).error.code, -32000);
});

test('what the raw path cannot carry takes the parsing path: requests, notifications, broken or odd tops, carriage returns', () => {
  const result = { content: [{ type: 'text', text: 'x'.repeat(100) }] };
  assert.equal(readRaw(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'sampling/createMessage', params: result })), undefined);
  assert.equal(readRaw(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: result })), undefined);
  assert.equal(readRaw(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: 1, message: 'm' } })), undefined);
  assert.equal(readRaw(JSON.stringify({ jsonrpc: '1.0', id: 1, result })), undefined);
  assert.equal(readRaw(JSON.stringify({ jsonrpc: '2.0', id: 1, result, error: { code: 1, message: 'm' } })), undefined);
  assert.equal(readRaw('{"jsonrpc":"2.0","id":1,"id":2,"result":{}}'), undefined);
  assert.equal(readRaw('{"jsonrpc":"2.0",\r"id":1,"result":{}}'), undefined);
  for (const broken of ['{"jsonrpc":"2.0","id":1,"result":{"a":"unterminated}', '{"jsonrpc":"2.0","id":1,"result":{}} x', '{"jsonrpc":"2.0","id":1,"result":{},}', '{"jsonrpc":"2.0","id":1 "result":{}}', '[{"jsonrpc":"2.0","id":1,"result":{}}]', '{"jsonrpc":"2.0","id":1,"result":{}']) {
    assert.equal(readRaw(broken), undefined, broken);
  }
  // Whitespace around the object and between members is fine.
  assert.ok(readRaw(' { "jsonrpc" : "2.0" ,\t"id" : 1 , "result" : { } }  '));
});

test('a raw message whose id or members were changed is serialized afresh', () => {
  const text = JSON.stringify({ result: tricky, jsonrpc: '2.0', id: 17 });
  const renamed = readRaw(text)! as { id: unknown };
  renamed.id = 99;
  assert.equal(rawJsonOf(renamed as JSONRPCMessage), undefined);
  assert.equal(JSON.parse(jsonText(renamed as JSONRPCMessage)).id, 99);
  const extended = readRaw(text)! as Record<string, unknown>;
  extended._meta = { x: 1 };
  assert.equal(rawJsonOf(extended as JSONRPCMessage), undefined);
  // A spread reads every member: a plain object, serialized as any other.
  const spread = { ...readRaw(text)!, id: 1 };
  assert.deepEqual(JSON.parse(jsonText(spread)), { ...JSON.parse(text), id: 1 });
});
