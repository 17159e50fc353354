/**
 * The isolation load of the scale-out tests: concurrent legacy SSE, session-era Streamable HTTP and 2026-07-28
 * clients, all using the same request ids, each checked to get exactly its own answers, once. The 2026-07-28
 * clients also answer an elicitation in a retry, which a load balancer may send to any replica.
 */
import assert from 'node:assert/strict';
import { elicitRetry, inputRequired, modernCall, modernEnvelope } from './cluster.js';
import { SseRawClient, StreamableRawClient, type RawClient } from './rawClients.js';

/** Runs `calls` concurrent echo calls (ids 1..calls) on an initialized client and checks it got each of its own answers exactly once. */
async function exercise(client: RawClient, name: string, calls: number): Promise<void> {
  await client.initialize(0, name);
  const texts = Array.from({ length: calls }, (_, i) => `${name}#${i + 1}`);
  const answers = await Promise.all(texts.map((text, i) => client.request(i + 1, 'tools/call', { name: 'echo', arguments: { text } })));
  answers.forEach((answer, i) => assert.equal((answer.result as { structuredContent: { text: string } }).structuredContent.text, texts[i], `${name}: cross-talk on id ${i + 1}`));
  const ids = client.responses().map((response) => String(response.id)).sort();
  assert.deepEqual(ids, ['0', ...texts.map((_, i) => String(i + 1))].sort(), `${name}: a duplicate or an answer it never asked for`);
  assert.deepEqual(client.problems, [], `${name}: problems on the wire`);
}

/** A 2026-07-28 client: a plain call, then an elicitation answered in a retry. */
async function modernClient(url: string, name: string): Promise<void> {
  const envelope = modernEnvelope(name);
  const plain = await modernCall(url, 1, 'echo', { arguments: { text: `${name}#plain` }, _meta: envelope });
  assert.equal((plain.answer.result as { structuredContent: { text: string } }).structuredContent.text, `${name}#plain`);
  const args = { message: `${name}: your name?` };
  const { keys, requestState } = inputRequired((await modernCall(url, 1, 'elicit', { arguments: args, _meta: envelope })).answer);
  const retry = await modernCall(url, 1, 'elicit', elicitRetry(args, envelope, keys, requestState, name));
  assert.equal((retry.answer.result as { structuredContent?: { answer?: string } }).structuredContent?.answer, name, JSON.stringify(retry.answer));
}

/**
 * Runs `perKind` clients of each kind against `url` at once, `calls` colliding calls per session, and checks each;
 * returns the ids of the sessions opened (their owners are the part before the first dot), after closing them.
 */
export async function everyKindConcurrently(url: string, perKind: number, calls: number): Promise<string[]> {
  const clients: RawClient[] = [];
  try {
    const work: Promise<void>[] = [];
    for (let i = 0; i < perKind; i++) {
      const http = new StreamableRawClient(url);
      const sse = new SseRawClient(url);
      clients.push(http, sse);
      work.push(exercise(http, `http-${i}`, calls));
      work.push(sse.connect().then(() => exercise(sse, `sse-${i}`, calls)));
      work.push(modernClient(url, `modern-${i}`));
    }
    await Promise.all(work);
  } finally {
    await Promise.allSettled(clients.map((client) => client.close()));
  }
  return clients.map((client) => (client as { sessionId?: string }).sessionId ?? '');
}
