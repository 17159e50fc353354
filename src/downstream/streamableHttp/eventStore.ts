// The bounded per-session event store that lets a Streamable HTTP client resume a stream with
// `Last-Event-ID`.
import type { EventData } from '../sseStream.js';

interface StoredEvent {
  streamId: string;
  /** The message as sent: its JSON text, or the bytes of a large one (the same pieces, not a copy). */
  data: EventData;
}

/** One stored event, as replayed. */
export interface ReplayedEvent {
  id: string;
  data: EventData;
}

/**
 * A per-session, in-memory event store for Streamable HTTP resumability (`Last-Event-ID`), bounded
 * by event count and bytes: the oldest events are forgotten first, and an event larger than the
 * whole byte budget is never kept (a text's size is counted in characters, bytes' in bytes). Event ids are `<streamId>:<sequence>`, so the stream of an
 * event id is known even after the event itself was evicted. It keeps JSON texts, as sent, so
 * that storing costs no second serialization and replaying none at all, and a large message's
 * bytes as the very pieces that were sent, so that keeping it costs no copy.
 */
export class BoundedEventStore {
  private readonly events = new Map<number, StoredEvent>();
  private sequence = 0;
  /** No event older than this sequence is kept. */
  private oldest = 1;
  private bytes = 0;

  constructor(
    private readonly maxEvents: number,
    private readonly maxBytes: number,
  ) {}

  /** Stores the JSON text (or bytes) of one message sent on `streamId` and returns its event id. */
  store(streamId: string, data: EventData): string {
    const id = ++this.sequence;
    if (this.maxEvents > 0 && data.length <= this.maxBytes) {
      this.events.set(id, { streamId, data });
      this.bytes += data.length;
      this.evict();
    }
    return `${streamId}:${id}`;
  }

  /** An event id for a priming event (no data, never replayed) on `streamId`. */
  mark(streamId: string): string {
    return `${streamId}:${++this.sequence}`;
  }

  /** The stream an event id belongs to, or undefined when it is not one of ours. */
  streamOf(eventId: string): string | undefined {
    return parseEventId(eventId)?.streamId;
  }

  /** The events of the same stream stored after `eventId`, oldest first ([] for a foreign id). */
  eventsAfter(eventId: string): ReplayedEvent[] {
    const last = parseEventId(eventId);
    if (!last) return [];
    const replayed: ReplayedEvent[] = [];
    for (const [id, event] of this.events) {
      if (id > last.sequence && event.streamId === last.streamId) replayed.push({ id: `${event.streamId}:${id}`, data: event.data });
    }
    return replayed;
  }

  /** Forgets the oldest events while over a bound: sequences only grow, so the oldest is found by counting up (each number is passed once). */
  private evict(): void {
    while (this.events.size > this.maxEvents || this.bytes > this.maxBytes) {
      const event = this.events.get(this.oldest);
      if (event) {
        this.events.delete(this.oldest);
        this.bytes -= event.data.length;
      }
      this.oldest++;
    }
  }
}

function parseEventId(eventId: string): { streamId: string; sequence: number } | undefined {
  const colon = eventId.lastIndexOf(':');
  const sequence = Number(eventId.slice(colon + 1));
  if (colon < 1 || !Number.isSafeInteger(sequence)) return undefined;
  return { streamId: eventId.slice(0, colon), sequence };
}
