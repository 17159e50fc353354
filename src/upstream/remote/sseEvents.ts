// Reads a server-sent event stream (eventsource-parser) into JSON-RPC messages.
import type { ReadableStream } from 'node:stream/web';
import { EventSourceParserStream, type EventSourceMessage } from 'eventsource-parser/stream';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { isJsonRpcMessage } from '../../shared/jsonrpc.js';

/** What a reader of a server-sent event stream is told. */
export interface SseHandlers {
  onEvent(event: EventSourceMessage): void;
  /** The server's `retry:` field: how long to wait before reconnecting, in ms. */
  onRetry?(retryMs: number): void;
}

/**
 * Reads a `text/event-stream` body to its end, event by event (parsing by eventsource-parser).
 * Resolves when the server ends the stream; rejects when the connection breaks.
 */
export async function readSseEvents(body: ReadableStream<Uint8Array>, handlers: SseHandlers): Promise<void> {
  const events = body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream({ onRetry: handlers.onRetry }));
  for await (const event of events) handlers.onEvent(event);
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
