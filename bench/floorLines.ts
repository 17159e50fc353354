/**
 * The floor relays' one piece of framing (bench/floor.ts, bench/floorPerSession.ts): a child's stdout
 * cut into lines, each handed on as text.
 */
import type { Readable } from 'node:stream';

/** Calls `onLine` with every complete line `stream` delivers, without its newline. */
export function onLines(stream: Readable, onLine: (line: string) => void): void {
  // Chunks are joined only once their line is complete: joining on every chunk is quadratic for a 16 MiB line.
  let pending: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => {
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      pending.push(chunk.subarray(start, newline));
      onLine(Buffer.concat(pending).toString('utf8'));
      pending = [];
      start = newline + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  });
}
