import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseEventFramer } from '../../src/upstream/remote/sseEventFramer.js';
import type { OversizedLine } from '../../src/shared/lineFramer.js';

function frame(max: number, text: string, size: number): { events: string[]; oversized: OversizedLine[] } {
  const events: string[] = [];
  const oversized: OversizedLine[] = [];
  const framer = new SseEventFramer(max, (event) => events.push(event), (event) => oversized.push(event));
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) framer.push(bytes.subarray(i, i + size));
  return { events, oversized };
}

test('whole events are handed on, with LF or CRLF line ends, in any piece size', () => {
  const text = 'event: message\nid: 1\ndata: {"a":1}\n\n: keepalive\n\nevent: message\r\ndata: {"b":2}\r\n\r\n';
  for (const size of [1, 3, 1000]) {
    assert.deepEqual(frame(1000, text, size).events, ['event: message\nid: 1\ndata: {"a":1}\n\n', ': keepalive\n\n', 'event: message\r\ndata: {"b":2}\r\n\r\n']);
  }
});

test('an event over the bound is skipped and reported with the id in its data, and the next one survives', () => {
  const big = JSON.stringify({ result: { text: 'x'.repeat(500) }, jsonrpc: '2.0', id: 'r1' });
  const text = `event: message\nid: 7\ndata: ${big}\n\nevent: message\ndata: {"ok":true}\n\n`;
  for (const size of [1, 7, 64, 10_000]) {
    const { events, oversized } = frame(100, text, size);
    assert.deepEqual(events, ['event: message\ndata: {"ok":true}\n\n'], `pieces of ${size}`);
    assert.deepEqual(oversized, [{ id: 'r1', hasMethod: false, bytes: 21 + 6 + big.length + 2 }], `pieces of ${size}`);
  }
});

test('data split over several lines is scanned as one text', () => {
  const text = `data: {"result":{"t":"${'y'.repeat(200)}"},\ndata: "id":3}\n\n`;
  assert.deepEqual(frame(50, text, 16).oversized.map((e) => e.id), [3]);
});
