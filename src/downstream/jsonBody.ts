// The JSON body answering a POST with JSON: one answer, or a batch of them, written without
// copying a large answer's bytes.
import type { ServerResponse } from 'node:http';
import { endOut, writeParts } from './outboundBudget.js';
import type { EventData } from './sseStream.js';

/**
 * Answers `res` with `status` (default 200) and `application/json` holding `answers` (one answer as
 * itself, several as an array) and `headers`. Texts are joined as before; a large message's bytes are written as their
 * pieces after a Content-Length computed from them, so they are never joined or decoded.
 */
export function writeJsonBody(res: ServerResponse, answers: readonly EventData[], headers: Readonly<Record<string, string>>, status = 200): void {
  const head = { 'Content-Type': 'application/json', ...headers };
  if (answers.every((answer) => typeof answer === 'string')) {
    res.writeHead(status, head);
    return endOut(res, answers.length === 1 ? answers[0] : `[${answers.join(',')}]`);
  }
  const parts: (string | Buffer)[] = answers.length === 1 ? [] : ['['];
  answers.forEach((answer, index) => {
    if (index > 0) parts.push(',');
    if (typeof answer === 'string') parts.push(answer);
    else parts.push(...answer.parts);
  });
  if (answers.length > 1) parts.push(']');
  let length = 0;
  for (const part of parts) length += typeof part === 'string' ? Buffer.byteLength(part) : part.length;
  res.writeHead(status, { ...head, 'Content-Length': String(length) });
  writeParts(res, parts, true);
}
