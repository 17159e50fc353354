// One server's catalogue for the combined endpoint: a connection of its own (initialized once, kept
// open) that lists its tools, prompts, resources and templates, lists them again on list_changed,
// marks the server down when the connection ends and reconnects with backoff.
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { UpstreamFactory } from '../core/gateway.js';
import { rpcErrorResponse } from '../shared/errors.js';
import { isNotification, isRequest } from '../shared/jsonrpc.js';
import type { Logger } from '../shared/log.js';
import { bridgeClientInfo } from '../shared/modernWire.js';
import { ServerLink } from './link.js';

/** The four lists a server may offer. */
export type ListKind = 'tools' | 'prompts' | 'resources' | 'resourceTemplates';

/** Each list's method, the field of its result, and the capability a server declares for it. */
export const lists: Record<ListKind, { method: string; field: string; capability: 'tools' | 'prompts' | 'resources' }> = {
  tools: { method: 'tools/list', field: 'tools', capability: 'tools' },
  prompts: { method: 'prompts/list', field: 'prompts', capability: 'prompts' },
  resources: { method: 'resources/list', field: 'resources', capability: 'resources' },
  resourceTemplates: { method: 'resources/templates/list', field: 'resourceTemplates', capability: 'resources' },
};

/** The list kinds each list_changed notification concerns. */
const changedKinds: Record<string, ListKind[]> = {
  'notifications/tools/list_changed': ['tools'],
  'notifications/prompts/list_changed': ['prompts'],
  'notifications/resources/list_changed': ['resources', 'resourceTemplates'],
};

/** The list kinds a `notifications/…/list_changed` method concerns (none for any other method). */
export function kindsOfListChanged(method: string): ListKind[] {
  return changedKinds[method] ?? [];
}

/** An entry of a list (a tool, prompt, resource or template) as the server gave it. */
export type Entry = Readonly<Record<string, unknown>>;

/** One page of a list as the server gave it: the cursor that fetched it (undefined: the first) and the next one. */
export interface CataloguePage {
  readonly cursor: string | undefined;
  readonly items: readonly Entry[];
  readonly next: string | undefined;
}

/** Pages read of one list at most (100): a server that pages forever is cut off there. */
const maxPages = 100;
/** First wait before reconnecting a server that went down (250 ms), doubling up to 10 s. */
const reconnectMs = { first: 250, max: 10_000 };
/** How long a ping that checks a suspect server may take (5 s). */
const pingTimeoutMs = 5_000;

/** `up`: serving its entries; `down`: its connection ended or could not start (retried); `starting`: not known yet. */
export type CatalogueState = 'starting' | 'up' | 'down';

/**
 * The catalogue of one server: lists kept from one initialized connection. `changed` is told which
 * lists may differ after a (re)connection, a refresh or the server going down.
 */
export class ServerCatalogue {
  state: CatalogueState = 'starting';
  /** Why the server is down, for errors that name it. */
  downReason: string | undefined;
  /** The server's last initialize result (kept while it is down, so capabilities do not flap). */
  initializeResult: Record<string, unknown> | undefined;
  private readonly pages = new Map<ListKind, CataloguePage[]>();
  private link: ServerLink | undefined;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private first: Promise<void> | undefined;
  private readonly refreshing = new Map<ListKind, Promise<void>>();

  constructor(
    readonly name: string,
    private readonly factory: UpstreamFactory,
    private readonly log: Logger,
    private readonly changed: (server: string, kinds: readonly ListKind[]) => void,
  ) {}

  /** Connects and lists everything once; resolves after that first attempt, whether it worked or not (then retried). */
  start(): Promise<void> {
    return (this.first ??= this.connect());
  }

  /** The pages of one list while the server is up (none while it is down). */
  pagesOf(kind: ListKind): readonly CataloguePage[] {
    return this.state === 'up' ? (this.pages.get(kind) ?? []) : [];
  }

  /** Every entry of one list as last known, also while the server is down (to name it in errors). */
  lastKnown(kind: ListKind): Entry[] {
    return (this.pages.get(kind) ?? []).flatMap((page) => page.items);
  }

  /** Lists `kinds` again (after a list_changed from any connection to this server), then tells `changed`. */
  listChanged(kinds: readonly ListKind[]): void {
    if (this.state !== 'up') return;
    void Promise.all(kinds.map((kind) => this.refresh(kind))).then(() => this.changed(this.name, kinds));
  }

  /** A session's connection to this server ended by itself: ping ours, and mark the server down when it does not answer. */
  suspect(): void {
    const link = this.link;
    if (this.state !== 'up' || !link) return;
    link.request('ping', undefined, pingTimeoutMs).catch((error: Error) => {
      this.log.warn('the server did not answer a ping; marking it down', { error: error.message });
      void link.close().then(() => this.down(`it did not answer a ping (${error.message})`));
    });
  }

  /** Closes the connection and stops reconnecting. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.link?.close();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const link = new ServerLink(this.factory(this.log.child({ catalogue: true })), 'catalogue');
    this.link = link;
    link.onmessage = (message) => this.fromServer(link, message);
    link.onclose = (reason) => this.down(`its connection ended (${reason.detail ?? reason.code})`);
    try {
      this.initializeResult = await link.open({ protocolVersion: '2025-11-25', capabilities: {}, clientInfo: bridgeClientInfo });
      const capabilities = (this.initializeResult.capabilities ?? {}) as Record<string, unknown>;
      this.pages.clear();
      for (const kind of Object.keys(lists) as ListKind[]) if (capabilities[lists[kind].capability]) await this.refresh(kind);
    } catch (error) {
      if (this.stopped) return;
      link.onclose = undefined;
      await link.close();
      this.down(`it could not be listed (${(error as Error).message})`);
      return;
    }
    if (this.stopped || link.isEnded) return;
    this.failures = 0;
    this.state = 'up';
    this.downReason = undefined;
    this.log.info('catalogued for the combined endpoint', { entries: Object.fromEntries([...this.pages].map(([kind, pages]) => [kind, pages.reduce((n, p) => n + p.items.length, 0)])) });
    this.changed(this.name, Object.keys(lists) as ListKind[]);
  }

  private down(why: string): void {
    if (this.stopped) return;
    const wasUp = this.state === 'up';
    if (this.state !== 'down') this.log.warn('the server is down: its entries leave the combined endpoint until it is back', { why });
    this.state = 'down';
    this.downReason = why;
    if (wasUp) this.changed(this.name, Object.keys(lists) as ListKind[]);
    clearTimeout(this.timer);
    const delay = Math.min(reconnectMs.first * 2 ** this.failures++, reconnectMs.max);
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref();
  }

  /** Reads every page of one list (one refresh of a kind at a time); on failure the pages known stay. */
  private refresh(kind: ListKind): Promise<void> {
    const running = this.refreshing.get(kind);
    if (running) return running.then(() => this.refresh(kind));
    const work = this.readAll(kind).finally(() => this.refreshing.delete(kind));
    this.refreshing.set(kind, work);
    return work;
  }

  private async readAll(kind: ListKind): Promise<void> {
    const link = this.link;
    if (!link) return;
    const { method, field } = lists[kind];
    const pages: CataloguePage[] = [];
    let cursor: string | undefined;
    try {
      do {
        const result = await link.request(method, cursor === undefined ? undefined : { cursor });
        const items = Array.isArray(result[field]) ? (result[field] as Entry[]) : [];
        const next = typeof result.nextCursor === 'string' && result.nextCursor !== '' ? result.nextCursor : undefined;
        pages.push({ cursor, items, next });
        cursor = next;
      } while (cursor !== undefined && pages.length < maxPages);
      this.pages.set(kind, pages);
    } catch (error) {
      if (!link.isEnded) this.log.warn(`could not list ${method}; keeping what was known`, { error: (error as Error).message });
      if (this.state !== 'up') throw error;
    }
  }

  private fromServer(link: ServerLink, message: JSONRPCMessage): void {
    if (isNotification(message)) {
      const kinds = kindsOfListChanged(message.method);
      if (kinds.length > 0) this.listChanged(kinds);
      return;
    }
    // Nobody is behind this connection to answer the server's questions: ping is answered, the rest refused.
    if (isRequest(message)) {
      const answer = message.method === 'ping' ? ({ jsonrpc: '2.0', id: message.id, result: {} } as JSONRPCMessage) : rpcErrorResponse(message.id, 'METHOD_NOT_FOUND', `${message.method}: the combined endpoint's catalogue connection has no client`);
      void link.send(answer).catch(() => {});
    }
  }
}
