import { createParser } from 'eventsource-parser';

/** One server-sent event ('message' when the stream names no event type). */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Parses a text/event-stream body with eventsource-parser, yielding each event as it arrives;
 * comments (such as `: keepalive`) go to `onComment`.
 */
export async function* readSse(body: ReadableStream<Uint8Array>, onComment?: (comment: string) => void): AsyncGenerator<SseEvent> {
  const ready: SseEvent[] = [];
  const parser = createParser({
    onEvent: ({ event, data, id }) => void ready.push({ event: event ?? 'message', data, ...(id !== undefined && { id }) }),
    onComment: (comment) => onComment?.(comment.trim()),
  });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    yield* ready.splice(0);
  }
}
