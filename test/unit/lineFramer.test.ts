import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineFramer } from '../../src/shared/lineFramer.js';

function frame(max: number, chunks: string[]): { lines: string[]; oversize: number } {
  const lines: string[] = [];
  let oversize = 0;
  const framer = new LineFramer(max, (line) => lines.push(line), () => oversize++);
  for (const chunk of chunks) framer.push(Buffer.from(chunk));
  return { lines, oversize };
}

test('lines split across chunks are joined and several lines in one chunk are split', () => {
  assert.deepEqual(frame(100, ['{"a"', ':1}\n{"b":2}\n{"c"', ':3}\n']).lines, ['{"a":1}', '{"b":2}', '{"c":3}']);
});

test('a line over the limit is dropped up to its newline and the next line survives', () => {
  const { lines, oversize } = frame(8, ['0123456789abc', 'def\nok\n']);
  assert.deepEqual(lines, ['ok']);
  assert.equal(oversize, 1);
});

test('a line over the limit inside one chunk is dropped', () => {
  const { lines, oversize } = frame(4, ['toolong\nfine\n']);
  assert.deepEqual(lines, ['fine']);
  assert.equal(oversize, 1);
});

test('multi-byte characters split between chunks are decoded whole', () => {
  const bytes = Buffer.from('"é€"\n');
  const lines: string[] = [];
  const framer = new LineFramer(100, (line) => lines.push(line), () => {});
  framer.push(bytes.subarray(0, 2));
  framer.push(bytes.subarray(2));
  assert.deepEqual(lines, ['"é€"']);
});

test('an oversized line is reported when it ends, with the id found after its result', () => {
  const reports: unknown[] = [];
  const lines: string[] = [];
  const framer = new LineFramer(16, (line) => lines.push(line), (line) => reports.push(line));
  framer.push(Buffer.from('{"result":{"text":"' + 'z'.repeat(40)));
  assert.deepEqual(reports, []);
  framer.push(Buffer.from('"},"jsonrpc":"2.0","id":5}\n{"id":6}\n'));
  assert.deepEqual(reports, [{ id: 5, hasMethod: false, bytes: 85 }]);
  assert.deepEqual(lines, ['{"id":6}']);
});

test('without scanning, an oversized line is reported with no id', () => {
  const reports: unknown[] = [];
  const framer = new LineFramer(4, () => {}, (line) => reports.push(line), false);
  framer.push(Buffer.from('{"id":1,"method":"x"}\n'));
  assert.deepEqual(reports, [{ id: undefined, hasMethod: false, bytes: 21 }]);
});

test('lines from the large size on are handed on as their pieces with their top level scanned; smaller and oversized ones as before', () => {
  const lines: string[] = [];
  const large: { text: string; pieces: number; id: unknown; wellFormed: boolean }[] = [];
  let oversize = 0;
  const framer = new LineFramer(200, (line) => lines.push(line), () => oversize++, true, {
    fromBytes: 40,
    onLine: (line, layout) => large.push({ text: Buffer.concat(line.parts).toString(), pieces: line.parts.length, id: layout.id, wellFormed: layout.wellFormed }),
  });
  const big = JSON.stringify({ result: { text: 'x'.repeat(60) }, jsonrpc: '2.0', id: 'a' });
  const input = `{"id":1}\n${big}\n${'y'.repeat(300)}\n${big.slice(0, 41)}`;
  for (let i = 0; i < input.length; i += 16) framer.push(Buffer.from(input.slice(i, i + 16)));
  framer.push(Buffer.from(`${big.slice(41)}\n{"id":2}\n`));
  assert.deepEqual(lines, ['{"id":1}', '{"id":2}']);
  assert.equal(oversize, 1);
  assert.equal(large.length, 2);
  for (const line of large) {
    assert.equal(line.text, big);
    assert.ok(line.pieces > 1, 'kept in pieces, not joined');
    assert.equal(line.id, 'a');
    assert.ok(line.wellFormed);
  }
});
