// Request id remapping for shared servers: client ids become unique bridge ids and come back with
// their original type, for both directions of requests.
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';

/** A request as a shared server sees it: who sent it, and the id and progress token it had there. */
export interface MappedRequest<O> {
  readonly owner: O;
  /** The id as the owner sent it (its type, string or number, is kept). */
  readonly id: RequestId;
  /** The owner's progress token, if it asked for progress; the server sees `childId` instead. */
  readonly token: string | number | undefined;
  /** The id (and progress token) the server sees: unique for the life of this map. */
  readonly childId: number;
  /** Called with the answer (already carrying the owner's id) before the owner gets it. */
  readonly onAnswer?: (answer: unknown) => void;
}

/**
 * Request-id and progress-token remapping for one server shared by many owners (sessions): each
 * request gets a fresh number that no other owner's request can collide with, which doubles as its
 * progress token, so both come back to the right owner with their original value and type.
 * Owners with nothing in flight cost nothing here. Only the child id indexes requests: finding an
 * owner's (to cancel one, or all when its session closes) scans those in flight, which is rare,
 * where an index by owner cost a Map made and dropped per request.
 */
export class IdMap<O> {
  private next = 1;
  private readonly byChildId = new Map<number, MappedRequest<O>>();

  /** Requests in flight. */
  get size(): number {
    return this.byChildId.size;
  }

  /** Gives `owner`'s request `id` a fresh child id; `token` is its own progress token, if any. */
  add(owner: O, id: RequestId, token?: string | number, onAnswer?: (answer: unknown) => void): MappedRequest<O> {
    const entry: MappedRequest<O> = { owner, id, token, childId: this.next++, onAnswer };
    this.byChildId.set(entry.childId, entry);
    return entry;
  }

  /** The request the server knows as `childId` (a value read from the wire: only our numbers match). */
  get(childId: unknown): MappedRequest<O> | undefined {
    return typeof childId === 'number' ? this.byChildId.get(childId) : undefined;
  }

  /** Removes and returns the request the server knows as `childId`: it is answered (or given up). */
  take(childId: unknown): MappedRequest<O> | undefined {
    const entry = this.get(childId);
    if (!entry) return undefined;
    this.byChildId.delete(entry.childId);
    return entry;
  }

  /** The child id of `owner`'s request `id` still in flight (1 and "1" are different ids). */
  childIdOf(owner: O, id: RequestId): number | undefined {
    for (const entry of this.byChildId.values()) if (entry.owner === owner && entry.id === id) return entry.childId;
    return undefined;
  }

  /** Removes and returns every request of `owner`, or of everyone when `owner` is undefined. */
  takeAll(owner?: O): MappedRequest<O>[] {
    const entries = [...this.byChildId.values()].filter((entry) => owner === undefined || entry.owner === owner);
    for (const entry of entries) this.take(entry.childId);
    return entries;
  }

  /** Requests in flight, oldest first. */
  values(): IterableIterator<MappedRequest<O>> {
    return this.byChildId.values();
  }
}

/** A request from a shared server to one owner's client, under an id unique among everything sent to that client. */
export interface RoutedServerRequest<C, O> {
  readonly child: C;
  /** The server's own id for it (its type kept). */
  readonly childRequestId: RequestId;
  readonly owner: O;
}

/**
 * Server-to-client requests of shared servers: several servers may use the same id, and one owner
 * may hear from several of them, so each request goes out under a fresh number and the client's
 * answer is mapped back to the server and id that asked.
 */
export class ServerRequestMap<C, O> {
  private next = 1;
  private readonly byId = new Map<number, RoutedServerRequest<C, O>>();

  /** Registers a server request for `owner`; returns the id the owner's client sees. */
  add(child: C, childRequestId: RequestId, owner: O): number {
    const id = this.next++;
    this.byId.set(id, { child, childRequestId, owner });
    return id;
  }

  /** Removes and returns the request `owner`'s client answers with `id`; another owner's ids do not match. */
  take(id: unknown, owner: O): RoutedServerRequest<C, O> | undefined {
    const entry = typeof id === 'number' ? this.byId.get(id) : undefined;
    if (!entry || entry.owner !== owner) return undefined;
    this.byId.delete(id as number);
    return entry;
  }

  /** The id (and entry) under which `child`'s request `childRequestId` went out, if it is still unanswered. */
  find(child: C, childRequestId: RequestId): { id: number; entry: RoutedServerRequest<C, O> } | undefined {
    for (const [id, entry] of this.byId) if (entry.child === child && entry.childRequestId === childRequestId) return { id, entry };
    return undefined;
  }

  /** Forgets the request that went out as `id` (its server withdrew it). */
  remove(id: number): void {
    this.byId.delete(id);
  }

  /** Removes and returns every unanswered request matching `predicate` (one owner's, one server's). */
  takeWhere(predicate: (entry: RoutedServerRequest<C, O>) => boolean): RoutedServerRequest<C, O>[] {
    const taken: RoutedServerRequest<C, O>[] = [];
    for (const [id, entry] of this.byId) {
      if (!predicate(entry)) continue;
      this.byId.delete(id);
      taken.push(entry);
    }
    return taken;
  }
}
