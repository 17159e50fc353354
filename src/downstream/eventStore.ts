import type { EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { jsonLength } from './jsonLength.js';

interface StoredEvent {
  streamId: string;
  message: JSONRPCMessage;
  bytes: number;
}

/**
 * A per-session, in-memory event store for Streamable HTTP resumability (`Last-Event-ID`), bounded
 * by event count and bytes: the oldest events are forgotten first, and an event larger than the
 * whole byte budget is never kept. Event ids are `<streamId>:<sequence>`, so the stream of an
 * event id is known even after the event itself was evicted.
 */
export class BoundedEventStore implements EventStore {
  private readonly events = new Map<number, StoredEvent>();
  private sequence = 0;
  private bytes = 0;

  constructor(
    private readonly maxEvents: number,
    private readonly maxBytes: number,
  ) {}

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const id = ++this.sequence;
    const bytes = jsonLength(message);
    if (this.maxEvents > 0 && bytes <= this.maxBytes) {
      this.events.set(id, { streamId, message, bytes });
      this.bytes += bytes;
      this.evict();
    }
    return `${streamId}:${id}`;
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    return parseEventId(eventId)?.streamId;
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const last = parseEventId(lastEventId);
    if (!last) throw new Error('unknown event id');
    for (const [id, event] of this.events) {
      // Priming events carry no message and are not replayed.
      if (id > last.sequence && event.streamId === last.streamId && Object.keys(event.message).length > 0) {
        await send(`${event.streamId}:${id}`, event.message);
      }
    }
    return last.streamId;
  }

  private evict(): void {
    for (const [id, event] of this.events) {
      if (this.events.size <= this.maxEvents && this.bytes <= this.maxBytes) return;
      this.events.delete(id);
      this.bytes -= event.bytes;
    }
  }
}

function parseEventId(eventId: string): { streamId: string; sequence: number } | undefined {
  const colon = eventId.lastIndexOf(':');
  const sequence = Number(eventId.slice(colon + 1));
  if (colon < 1 || !Number.isSafeInteger(sequence)) return undefined;
  return { streamId: eventId.slice(0, colon), sequence };
}
