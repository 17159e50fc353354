// One client session of the combined endpoint, as the upstream Transport of its Relay: it answers
// initialize, ping, logging/setLevel and the lists itself, and routes every other request to the
// server that owns the name, URI or template, over a connection of this session's own opened on its
// first call there. Server messages come back to exactly this client.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { Upstream, UpstreamFactory } from '../core/gateway.js';
import { ServerRequestMap } from '../core/idMap.js';
import type { CloseReason } from '../core/relay.js';
import { BridgeError, rpcErrorResponse } from '../shared/errors.js';
import { isNotification, isRequest } from '../shared/jsonrpc.js';
import type { Logger } from '../shared/log.js';
import { kindsOfListChanged, type ListKind } from './catalogue.js';
import type { CombinedCatalogue } from './combinedCatalogue.js';
import { ServerLink } from './link.js';
import { combinedCapabilities, combinedInstructions, combinedServerInfo, listPage } from './offer.js';
import { routeRequest } from './router.js';

type Json = Record<string, unknown>;
type Request = JSONRPCMessage & { id: RequestId; method: string; params?: Json };

/** How long a server may take to start and answer this session's initialize (30 s). */
const openTimeoutMs = 30_000;

const listMethods: Record<string, ListKind> = { 'tools/list': 'tools', 'prompts/list': 'prompts', 'resources/list': 'resources', 'resources/templates/list': 'resourceTemplates' };
const listChangedMethods: Record<ListKind, string> = {
  tools: 'notifications/tools/list_changed',
  prompts: 'notifications/prompts/list_changed',
  resources: 'notifications/resources/list_changed',
  resourceTemplates: 'notifications/resources/list_changed',
};

interface Opened {
  readonly ready: Promise<ServerLink>;
  /** The server's upstream factory it was opened with (a reload that replaced the server makes a new one). */
  readonly factory: UpstreamFactory;
  link?: ServerLink;
}

/**
 * A combined session. Requests keep the client's ids on the way to a server (each server connection
 * is this client's alone, so they cannot collide there); requests from servers get ids of this
 * session's own (two servers may both use 0), mapped back when the client answers.
 */
export class CombinedSession implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  private client: Json | undefined;
  private logLevel: unknown;
  private downstream: Transport | undefined;
  private readonly opened = new Map<string, Opened>();
  private readonly inFlight = new Map<RequestId, string>();
  private readonly serverRequests = new ServerRequestMap<ServerLink, CombinedSession>();
  private stopListening: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly catalogue: CombinedCatalogue,
    private readonly log: Logger,
    /** A virtual session of 2026-07-28 requests: its server connections take the children spawned ahead for those. */
    private readonly virtual = false,
  ) {}

  async start(): Promise<void> {
    this.stopListening = this.catalogue.onListChanged((kinds) => this.listChanged(kinds));
  }

  /** The client's transport, handed on to every server connection (hibernating children watch its streams). */
  watch(downstream: Transport): void {
    this.downstream = downstream;
    for (const { link } of this.opened.values()) link?.watch(downstream);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new BridgeError('SESSION_CLOSED');
    if (isRequest(message)) {
      // Answered here, not thrown: whoever drives this session (a relay, the era probe) gets a JSON-RPC error with the request's id.
      return this.request(message as Request).catch((error: unknown) => {
        const refusal = error instanceof BridgeError ? error : new BridgeError('INTERNAL');
        if (!(error instanceof BridgeError)) this.log.error('a combined request failed', { error: (error as Error).message });
        queueMicrotask(() => this.deliver(rpcErrorResponse(message.id, refusal.code, refusal.detail)));
      });
    }
    if (isNotification(message)) return this.notification(message as JSONRPCMessage & { method: string; params?: Json });
    const routed = this.serverRequests.take(message.id, this);
    if (routed && !routed.child.isEnded) await routed.child.send({ ...message, id: routed.childRequestId } as JSONRPCMessage).catch(() => {});
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopListening?.();
    const links = [...this.opened.values()].map((opened) => opened.ready.then((link) => link.close(), () => {}));
    this.opened.clear();
    await Promise.all(links);
    this.onclose?.();
  }

  private async request(message: Request): Promise<void> {
    const params = message.params ?? {};
    switch (message.method) {
      case 'initialize': {
        this.client = params;
        const { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } = await import('@modelcontextprotocol/sdk/types.js');
        const asked = params.protocolVersion;
        const protocolVersion = typeof asked === 'string' && SUPPORTED_PROTOCOL_VERSIONS.includes(asked) ? asked : LATEST_PROTOCOL_VERSION;
        const instructions = combinedInstructions(this.catalogue);
        return this.answer(message.id, { protocolVersion, capabilities: combinedCapabilities(this.catalogue), serverInfo: combinedServerInfo, ...(instructions && { instructions }) });
      }
      case 'ping':
        return this.answer(message.id, {});
      case 'logging/setLevel':
        // Each server connection is this client's own, so its level is told to every server it has open (and to later ones).
        this.logLevel = params.level;
        for (const [server, { link }] of this.opened) if (link && this.speaksLogging(server)) void link.request('logging/setLevel', { level: this.logLevel }).catch(() => {});
        return this.answer(message.id, {});
    }
    const list = listMethods[message.method];
    if (list) return this.answer(message.id, listPage(this.catalogue, list, params.cursor));
    const route = routeRequest(this.catalogue, message.method, params, this.log);
    return this.forward(route.server, { ...message, params: route.params } as JSONRPCMessage, message.id);
  }

  private async notification(message: JSONRPCMessage & { method: string; params?: Json }): Promise<void> {
    if (message.method === 'notifications/initialized') return;
    if (message.method === 'notifications/cancelled') {
      const server = this.inFlight.get(message.params?.requestId as RequestId);
      const opened = server === undefined ? undefined : this.opened.get(server);
      if (opened) await opened.ready.then((link) => link.send(message), () => {}).catch(() => {});
      return;
    }
    // roots/list_changed and anything else the client says concern every server it talks to.
    await Promise.all([...this.opened.values()].map((opened) => opened.ready.then((link) => link.send(message), () => {}).catch(() => {})));
  }

  /** Sends a client request to `server`, opening this session's connection there first if needed. */
  private async forward(server: string, message: JSONRPCMessage, id: RequestId): Promise<void> {
    const link = await this.open(server);
    this.inFlight.set(id, server);
    try {
      await link.send(message);
    } catch (error) {
      this.inFlight.delete(id);
      throw named(server, error);
    }
  }

  private open(server: string): Promise<ServerLink> {
    const existing = this.opened.get(server);
    const held = this.catalogue.find(server);
    const factory = held && (this.virtual ? held.member.virtualUpstream : held.member.upstream);
    if (existing && (existing.factory === factory || this.busyWith(server))) return existing.ready;
    if (!held || held.catalogue.state === 'down') throw new BridgeError('SERVER_UNAVAILABLE', `server "${server}" is down: ${held?.catalogue.downReason ?? 'it is not in the configuration any more'}`);
    // A reload replaced the server: once nothing is in flight there, this session moves to the new one.
    if (existing) void existing.ready.then((link) => ((link.onclose = undefined), link.close()), () => {});
    const opened: Opened = { ready: this.connect(server, factory!), factory: factory! };
    this.opened.set(server, opened);
    opened.ready.then(
      (link) => (opened.link = link),
      () => this.opened.get(server) === opened && this.opened.delete(server),
    );
    return opened.ready;
  }

  private async connect(server: string, factory: UpstreamFactory): Promise<ServerLink> {
    const log = this.log.child({ server });
    let upstream: Upstream;
    try {
      upstream = factory(log);
    } catch (error) {
      throw named(server, error);
    }
    const link = new ServerLink(upstream, 'combined');
    if (this.downstream) link.watch(this.downstream);
    link.onmessage = (message) => this.fromServer(server, link, message);
    link.onclose = (reason) => this.linkEnded(server, link, reason);
    const client = this.client ?? {};
    try {
      await link.open({ protocolVersion: client.protocolVersion ?? '2025-11-25', capabilities: client.capabilities ?? {}, clientInfo: client.clientInfo ?? combinedServerInfo }, openTimeoutMs);
    } catch (error) {
      link.onclose = undefined;
      await link.close();
      this.catalogue.find(server)?.catalogue.suspect();
      throw named(server, error, 'CHILD_START_FAILED');
    }
    if (this.logLevel !== undefined && this.speaksLogging(server)) void link.request('logging/setLevel', { level: this.logLevel }).catch(() => {});
    log.debug('opened this session\'s connection to the server');
    return link;
  }

  private fromServer(server: string, link: ServerLink, message: JSONRPCMessage): void {
    if (this.closed) return;
    if (isRequest(message)) {
      const id = this.serverRequests.add(link, message.id, this);
      return this.deliver({ ...message, id } as JSONRPCMessage);
    }
    if (isNotification(message)) {
      const kinds = kindsOfListChanged(message.method);
      // The catalogue lists the server again and every client hears of it once, debounced.
      if (kinds.length > 0) return this.catalogue.find(server)?.catalogue.listChanged(kinds);
      if (message.method === 'notifications/cancelled') {
        const params = (message as { params?: Json }).params ?? {};
        const found = this.serverRequests.find(link, params.requestId as RequestId);
        if (!found) return;
        this.serverRequests.remove(found.id);
        return this.deliver({ ...message, params: { ...params, requestId: found.id } } as JSONRPCMessage);
      }
      return this.deliver(message);
    }
    const id = (message as { id: RequestId }).id;
    if (this.inFlight.get(id) === server) this.inFlight.delete(id);
    this.deliver(message);
  }

  /** A server connection ended by itself: its requests in flight get an error naming the server; the next call opens a new one. */
  private linkEnded(server: string, link: ServerLink, reason: CloseReason): void {
    const opened = this.opened.get(server);
    if (opened?.link === link) this.opened.delete(server);
    this.serverRequests.takeWhere((entry) => entry.child === link);
    for (const [id, owner] of this.inFlight) {
      if (owner !== server) continue;
      this.inFlight.delete(id);
      this.deliver(rpcErrorResponse(id, reason.code, `server "${server}": ${reason.detail ?? 'its connection ended'}`));
    }
    this.catalogue.find(server)?.catalogue.suspect();
  }

  private listChanged(kinds: ReadonlySet<ListKind>): void {
    if (!this.client) return;
    for (const method of new Set([...kinds].map((kind) => listChangedMethods[kind]))) this.deliver({ jsonrpc: '2.0', method } as JSONRPCMessage);
  }

  private busyWith(server: string): boolean {
    for (const owner of this.inFlight.values()) if (owner === server) return true;
    return false;
  }

  private speaksLogging(server: string): boolean {
    const capabilities = this.catalogue.find(server)?.catalogue.initializeResult?.capabilities as Json | undefined;
    return capabilities?.logging !== undefined;
  }

  private answer(id: RequestId, result: Json): void {
    // After the relay has finished handling the request that asked.
    queueMicrotask(() => this.deliver({ jsonrpc: '2.0', id, result } as JSONRPCMessage));
  }

  private deliver(message: JSONRPCMessage): void {
    if (!this.closed) this.onmessage?.(message);
  }
}

/** An error of one server's connection, as the catalogue error the client gets: it names the server. */
function named(server: string, error: unknown, fallback: 'CHILD_START_FAILED' | 'SERVER_UNAVAILABLE' = 'SERVER_UNAVAILABLE'): BridgeError {
  if (error instanceof BridgeError) return new BridgeError(error.code, `server "${server}": ${error.detail ?? error.message}`, error.headers);
  return new BridgeError(fallback, `server "${server}": ${(error as Error).message}`);
}

/** The combined endpoint's upstream factory: a CombinedSession for every client session (`virtual`: for 2026-07-28 requests' virtual sessions). */
export function combinedUpstream(catalogue: CombinedCatalogue, virtual = false): UpstreamFactory {
  return (log) => {
    const session = new CombinedSession(catalogue, log, virtual);
    return { transport: session, explainClose: () => ({ code: 'SESSION_CLOSED', detail: 'the combined session ended' }), watch: (downstream) => session.watch(downstream) };
  };
}
