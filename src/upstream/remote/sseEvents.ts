// Reads a server-sent event stream (eventsource-parser) into JSON-RPC messages, with a bound on
// one event.
import type { ReadableStream } from 'node:stream/web';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { isJsonRpcMessage } from '../../shared/jsonrpc.js';
import type { OversizedLine } from '../../shared/lineFramer.js';
import { SseEventFramer } from './sseEventFramer.js';

/** What a reader of a server-sent event stream is told. */
export interface SseHandlers {
  onEvent(event: EventSourceMessage): void;
  /** The server's `retry:` field: how long to wait before reconnecting, in ms. */
  onRetry?(retryMs: number): void;
  /** An event over the bound was skipped: its size and the id its data held. */
  onOversize(event: OversizedLine): void;
}

/**
 * Reads a `text/event-stream` body to its end, event by event (parsing by eventsource-parser),
 * holding at most `maxEventBytes` of one event (see SseEventFramer). Resolves when the server ends
 * the stream; rejects when the connection breaks.
 */
export async function readSseEvents(body: ReadableStream<Uint8Array>, handlers: SseHandlers, maxEventBytes: number): Promise<void> {
  const parser = createParser({ onEvent: (event) => handlers.onEvent(event), onRetry: handlers.onRetry });
  const framer = new SseEventFramer(maxEventBytes, (text) => parser.feed(text), handlers.onOversize);
  for await (const chunk of body) framer.push(chunk);
}

/** The JSON-RPC message in a `message` event, or undefined (with the reason) when it holds none. */
export function messageOf(event: EventSourceMessage): { message?: JSONRPCMessage; problem?: string } {
  if (event.event && event.event !== 'message') return {};
  if (!event.data) return {};
  try {
    const value: unknown = JSON.parse(event.data);
    return isJsonRpcMessage(value) ? { message: value as JSONRPCMessage } : { problem: 'an event that is not a JSON-RPC message' };
  } catch {
    return { problem: 'an event that is not JSON' };
  }
}
