import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { silentLogger } from '../../src/shared/log.js';
import { StdinWriter } from '../../src/upstream/child/stdinWriter.js';

/** A pipe standing in for a child's stdin, recording each write it is given. */
function recordingPipe(): { pipe: PassThrough; writes: string[] } {
  const pipe = new PassThrough();
  const writes: string[] = [];
  const write = pipe.write.bind(pipe);
  pipe.write = ((chunk: string | Buffer, ...rest: never[]) => {
    writes.push(String(chunk));
    return write(chunk, ...rest);
  }) as typeof pipe.write;
  pipe.resume();
  return { pipe, writes };
}

const nextRound = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('a line to a child that has caught up is written at once; lines to a busy child are joined in one write at the end of the round', async () => {
  const { pipe, writes } = recordingPipe();
  const writer = new StdinWriter(pipe, 1 << 20, () => silentLogger);
  await writer.write('a\n');
  assert.deepEqual(writes, ['a\n'], 'the first line leaves at once');
  await writer.write('b\n');
  await writer.write('c\n');
  assert.deepEqual(writes, ['a\n'], 'the child has written nothing since: the next lines wait for the round to end');
  await nextRound();
  assert.deepEqual(writes, ['a\n', 'b\nc\n']);
  writer.heard();
  await writer.write('d\n');
  assert.deepEqual(writes, ['a\n', 'b\nc\n', 'd\n'], 'the child wrote something: the next line leaves at once');
  await writer.write('e\n');
  writer.heard();
  await writer.write('f\n');
  await nextRound();
  assert.deepEqual(writes, ['a\n', 'b\nc\n', 'd\n', 'e\nf\n'], 'a line never overtakes one already waiting');
  writer.end();
});
