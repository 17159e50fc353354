// The pool of shared stdio children (`--sessionMode shared`, `--pool N`): spreads sessions over
// children and restarts the ones that die.
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { ChildCommand } from './options.js';
import type { UpstreamFactory } from '../../core/gateway.js';
import { ServerRequestMap } from '../../core/idMap.js';
import { isRequest, progressTokenOf } from '../../shared/jsonrpc.js';
import type { ChildObserver } from '../../core/observers.js';
import { BridgeError, rpcErrorResponse } from '../../shared/errors.js';
import type { Logger } from '../../shared/log.js';
import { SharedChild, type SharedChildOptions } from './sharedChild.js';
import { SharedSessionTransport, type SharedChildHub } from './sharedSession.js';
import { Subscriptions } from './childSubscriptions.js';

type Request = JSONRPCMessage & { id: RequestId; method: string; params?: Record<string, unknown> };
type Message = JSONRPCMessage & { method: string; id?: RequestId; params?: Record<string, unknown> };

/** Options for a pool of shared children. */
export interface SharedChildrenOptions extends Pick<SharedChildOptions, 'restart' | 'initializeTimeoutMs'> {
  command: ChildCommand;
  /** How many children share the load (default 1). */
  size?: number;
  log: Logger;
  observer?: Partial<ChildObserver>;
}

/**
 * `size` stdio children, each initialized once by the bridge and shared by every session: a new
 * request goes to the least loaded ready child; server messages are routed back to the session
 * they concern (see routeFromChild); subscriptions are counted per URI.
 */
export class SharedChildPool implements SharedChildHub {
  readonly children: SharedChild[];
  private readonly sessions = new Set<SharedSessionTransport>();
  private readonly serverRequests = new ServerRequestMap<SharedChild, SharedSessionTransport>();
  private readonly subscriptions = new Subscriptions<SharedSessionTransport, SharedChild>();

  constructor(private readonly options: SharedChildrenOptions) {
    const events = {
      message: (child: SharedChild, message: JSONRPCMessage) => this.routeFromChild(child, message as Message),
      ready: (child: SharedChild) => this.resubscribe(child),
      exited: (child: SharedChild) => void this.serverRequests.takeWhere((entry) => entry.child === child),
    };
    this.children = Array.from({ length: options.size ?? 1 }, (_, index) => new SharedChild(index, options, events));
  }

  /** Spawns and initializes every child (in the background). */
  start(): void {
    for (const child of this.children) child.start();
  }

  /** Stops every child. */
  async close(): Promise<void> {
    await Promise.all(this.children.map((child) => child.close()));
  }

  /** Requests in flight on each child, by index. */
  loads(): number[] {
    return this.children.map((child) => child.load);
  }

  async initializeResult(): Promise<Record<string, unknown>> {
    const ready = this.children.find((child) => child.isReady && child.initializeResult);
    if (ready) return ready.initializeResult!;
    await this.firstReady();
    return this.initializeResult();
  }

  attach(session: SharedSessionTransport): void {
    this.sessions.add(session);
  }

  detach(session: SharedSessionTransport): void {
    this.sessions.delete(session);
    for (const child of this.children) child.forget(session);
    for (const entry of this.serverRequests.takeWhere((request) => request.owner === session)) {
      entry.child.sendRaw(rpcErrorResponse(entry.childRequestId, 'CLIENT_UNREACHABLE', 'the client session closed'));
    }
    for (const { uri, holder } of this.subscriptions.removeSession(session)) this.unsubscribeQuietly(holder, uri);
  }

  request(session: SharedSessionTransport, message: Request): Promise<void> {
    const uri = message.params?.uri;
    if (message.method === 'resources/subscribe' && typeof uri === 'string') return this.subscribe(session, message, uri);
    if (message.method === 'resources/unsubscribe' && typeof uri === 'string') return this.unsubscribe(session, message, uri);
    // With a child ready (nearly always) straight to it: no async frame per request.
    const ready = this.readyLeastLoaded();
    if (ready) return ready.forward(session, message, progressTokenOf(message));
    return this.leastLoaded().then((child) => child.forward(session, message, progressTokenOf(message)));
  }

  notify(session: SharedSessionTransport, message: Message): void {
    if (message.method === 'notifications/cancelled') {
      const requestId = message.params?.requestId as RequestId;
      const reason = typeof message.params?.reason === 'string' ? message.params.reason : 'cancelled by the client';
      this.children.some((child) => child.cancel(session, requestId, reason));
    } else if (message.method === 'notifications/roots/list_changed') {
      for (const child of this.children) {
        child.lastSender = session;
        child.sendRaw(message);
      }
    } else {
      this.options.log.debug('dropped a client notification a shared server cannot attribute', { method: message.method });
    }
  }

  respond(session: SharedSessionTransport, message: JSONRPCMessage): void {
    const entry = this.serverRequests.take((message as { id?: unknown }).id, session);
    if (!entry) return this.options.log.debug('dropped an answer to no pending server request', { id: (message as { id?: unknown }).id });
    entry.child.sendRaw({ ...message, id: entry.childRequestId } as JSONRPCMessage);
  }

  /**
   * Routes a server message that is not an answer or progress: a server-to-client request goes to
   * the session whose request on this child was sent most recently and is still pending (else the
   * session that last wrote to it); logging and unknown notifications go to that same session, or
   * to every session when nothing is pending; list_changed to every session; resources/updated to
   * the URI's subscribers.
   */
  private routeFromChild(child: SharedChild, message: Message): void {
    if (isRequest(message)) return this.serverRequest(child, message as Request);
    const params = message.params ?? {};
    if (message.method === 'notifications/cancelled') {
      // The server withdrew one of its requests: tell the client under the id it knows.
      const found = this.serverRequests.find(child, params.requestId as RequestId);
      if (!found) return;
      this.serverRequests.remove(found.id);
      return found.entry.owner.deliver({ ...message, params: { ...params, requestId: found.id } } as JSONRPCMessage);
    }
    if (message.method === 'notifications/resources/updated') {
      for (const session of this.subscriptions.subscribers(String(params.uri))) session.deliver(message);
      return;
    }
    if (message.method.endsWith('/list_changed')) return this.broadcast(message);
    const target = child.latestPendingSession() as SharedSessionTransport | undefined;
    const isLog = message.method === 'notifications/message';
    if (target) return void ((!isLog || target.wantsLog(params.level)) && target.deliver(message));
    this.broadcast(message, isLog ? params.level : undefined);
  }

  private serverRequest(child: SharedChild, message: Request): void {
    const owner = (child.latestPendingSession() ?? child.lastSender) as SharedSessionTransport | undefined;
    if (!owner || !this.sessions.has(owner)) {
      child.sendRaw(rpcErrorResponse(message.id, 'CLIENT_UNREACHABLE', 'no client session to ask'));
      return;
    }
    const id = this.serverRequests.add(child, message.id, owner);
    owner.deliver({ ...message, id } as JSONRPCMessage);
  }

  private broadcast(message: JSONRPCMessage, logLevel?: unknown): void {
    for (const session of this.sessions) if (logLevel === undefined || session.wantsLog(logLevel)) session.deliver(message);
  }

  private async subscribe(session: SharedSessionTransport, message: Request, uri: string): Promise<void> {
    const child = this.children.find((candidate) => candidate.isReady) ?? (await this.leastLoaded());
    const { first, holder } = this.subscriptions.add(uri, session, () => child);
    if (!first) return session.answer(message.id, {});
    // The child's refusal (an error answer, or a failed send) leaves nobody subscribed.
    const refused = (answer: unknown): void => void ('error' in (answer as object) && this.subscriptions.drop(uri));
    await holder.forward(session, message, progressTokenOf(message), refused).catch((error: unknown) => {
      this.subscriptions.drop(uri);
      throw error;
    });
  }

  private async unsubscribe(session: SharedSessionTransport, message: Request, uri: string): Promise<void> {
    const holder = this.subscriptions.remove(uri, session);
    if (holder?.isReady) return holder.forward(session, message);
    session.answer(message.id, {});
  }

  private unsubscribeQuietly(child: SharedChild, uri: string): void {
    if (child.isReady) child.request('resources/unsubscribe', { uri }).catch(() => {});
  }

  private resubscribe(child: SharedChild): void {
    for (const uri of this.subscriptions.heldBy(child)) {
      child.request('resources/subscribe', { uri }).catch(() => {});
    }
  }

  /** The ready child with the fewest requests in flight; waits for one when none is ready. */
  private async leastLoaded(): Promise<SharedChild> {
    const best = this.readyLeastLoaded();
    if (best) return best;
    await this.firstReady();
    return this.leastLoaded();
  }

  /** The ready child with the fewest requests in flight, if any child is ready. */
  private readyLeastLoaded(): SharedChild | undefined {
    let best: SharedChild | undefined;
    for (const child of this.children) if (child.isReady && (!best || child.load < best.load)) best = child;
    return best;
  }

  private async firstReady(): Promise<void> {
    try {
      await Promise.any(this.children.map((child) => child.whenReady()));
    } catch (error) {
      const first = (error as AggregateError).errors?.[0];
      throw first instanceof BridgeError ? first : new BridgeError('CHILD_START_FAILED');
    }
  }
}

/** A shared-mode upstream: the factory a Gateway uses for every session, and the pool behind it. */
export interface SharedChildUpstreams {
  upstream: UpstreamFactory;
  pool: SharedChildPool;
  /** Stops every shared child (close the Gateway's sessions first). */
  close(): Promise<void>;
}

/**
 * Starts a pool of shared children and returns the UpstreamFactory that gives each session a
 * cheap SharedSessionTransport onto it: no spawn and no round trip per session.
 */
export function sharedChildUpstreams(options: SharedChildrenOptions): SharedChildUpstreams {
  const pool = new SharedChildPool(options);
  pool.start();
  return {
    pool,
    upstream: () => ({ transport: new SharedSessionTransport(pool), explainClose: () => ({ code: 'SHUTTING_DOWN' }) }),
    close: () => pool.close(),
  };
}
