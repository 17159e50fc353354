// Hibernation of idle per-session children: a session whose client holds no stream, with nothing in flight
// and no subscriptions, has its child stopped after --childIdleTimeout while the session stays valid; its
// next message starts a child again and replays the session's own initialize first. --maxChildren bounds
// the live children by parking the least recently used idle ones.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { CloseReason } from '../../core/relay.js';
import type { Upstream, UpstreamFactory } from '../../core/gateway.js';
import { BridgeError } from '../../shared/errors.js';
import { isNotification, isRequest, isResponse } from '../../shared/jsonrpc.js';
import { IdleTimer } from '../../shared/idleTimer.js';
import type { Logger } from '../../shared/log.js';

/** How long a replayed initialize may take before the revival counts as a failed start. */
const REVIVE_TIMEOUT_MS = 30_000;

/** What the client side tells us: whether it holds a stream the server could write to (unknown transports do). */
type Downstream = Transport & { readonly holdsStream?: boolean };

/** The live hibernating children of one server, for --maxChildren (0: no bound). */
export class ChildBudget {
  private readonly live = new Set<HibernatingChild>();

  constructor(private readonly max: number) {}

  /** Makes room for `child` to run, parking the least recently used idle child when at the bound; throws TOO_MANY_CHILDREN when none is idle. */
  async reserve(child: HibernatingChild): Promise<void> {
    if (this.max <= 0 || this.live.has(child)) return void this.live.add(child);
    while (this.live.size >= this.max) {
      const idle = [...this.live].filter((other) => other.isQuiet).sort((a, b) => a.lastActive - b.lastActive)[0];
      if (!idle) throw new BridgeError('TOO_MANY_CHILDREN', `${this.max} MCP server processes are busy (--maxChildren)`);
      await idle.hibernate('--maxChildren');
    }
    this.live.add(child);
  }

  release(child: HibernatingChild): void {
    this.live.delete(child);
  }
}

/** Options of one session's hibernating child. */
export interface HibernationOptions {
  /** Stop the child after this long quiet (0: never). */
  idleMs: number;
  budget: ChildBudget;
  log: Logger;
}

/**
 * The upstream transport of one per-session session: the current child, or none while hibernating.
 * It sees every message, so it knows what is in flight both ways and which resources are subscribed.
 */
export class HibernatingChild implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;

  private child: Upstream | undefined;
  private downstream: Downstream | undefined;
  private initialize: (JSONRPCMessage & { method: 'initialize' }) | undefined;
  private initialized = false;
  private readonly fromClient = new Set<RequestId>();
  private readonly fromServer = new Set<RequestId>();
  private readonly subscriptions = new Set<string>();
  /** Stops a child quiet for the idle time; armed by the messages that pass, each only noting its time. */
  private readonly idleCheck: IdleTimer;
  private reviving: Promise<void> | undefined;
  private parking: Promise<void> | undefined;
  private revivals = 0;
  /** The replayed initialize waiting for its answer, which the client never sees. */
  private replay: { id: string; resolve: (message: JSONRPCMessage) => void } | undefined;
  private closed = false;

  constructor(
    first: Upstream,
    private readonly spawn: UpstreamFactory,
    private readonly options: HibernationOptions,
  ) {
    this.child = first;
    this.idleCheck = new IdleTimer(options.idleMs, () => !this.isQuiet, () => void this.hibernate('--childIdleTimeout'));
  }

  /** True when nothing would be lost by stopping the child now. */
  get isQuiet(): boolean {
    const holdsStream = this.downstream?.holdsStream ?? true;
    return this.child !== undefined && !holdsStream && this.fromClient.size === 0 && this.fromServer.size === 0 && this.subscriptions.size === 0 && !this.reviving;
  }

  /** The session's client transport, whose streams decide whether the session is quiet. */
  watch(downstream: Transport): void {
    this.downstream = downstream;
  }

  async start(): Promise<void> {
    try {
      await this.options.budget.reserve(this);
    } catch (error) {
      // Refused before the first child started: it never runs (a prespawned one is stopped).
      const unstarted = this.child!;
      this.child = undefined;
      void unstarted.transport.close().catch(() => {});
      throw error;
    }
    await this.attach(this.child!);
  }

  send(message: JSONRPCMessage): Promise<void> {
    this.touch();
    this.note(message, 'client');
    // A running child takes the message straight away: no async frame of its own per message.
    if (!this.child || this.reviving) return this.sendRevived(message);
    this.scheduleIdleCheck();
    return this.child.transport.send(message);
  }

  private async sendRevived(message: JSONRPCMessage): Promise<void> {
    await (this.reviving ??= this.revive().finally(() => (this.reviving = undefined)));
    this.scheduleIdleCheck();
    await this.child!.transport.send(message);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.idleCheck.stop();
    this.options.budget.release(this);
    await this.child?.transport.close();
    if (!this.child) this.onclose?.();
  }

  /** How the session's server ended, for the errors of what was in flight. */
  explainClose(): CloseReason {
    return this.child?.explainClose() ?? { code: 'SESSION_CLOSED', detail: 'the session was closed' };
  }

  /** Stops the child of a quiet session; the session stays, and its next message revives it. */
  hibernate(why: string): Promise<void> {
    return (this.parking ??= (async () => {
      const child = this.child!;
      this.child = undefined;
      // Nothing to stop until a message revives the child (and arms the check again).
      this.idleCheck.stop();
      this.options.budget.release(this);
      this.options.log.info('session idle: its MCP server is stopped until the next request', { why });
      child.transport.onclose = undefined;
      await child.transport.close();
    })().finally(() => (this.parking = undefined)));
  }

  private async attach(child: Upstream): Promise<void> {
    child.transport.onmessage = (message) => this.fromChild(message);
    child.transport.onerror = (error) => this.onerror?.(error);
    child.transport.onclose = () => {
      if (this.child === child) this.onclose?.();
    };
    await child.transport.start();
    this.scheduleIdleCheck();
  }

  /** Starts a new child and replays the session's initialize and initialized before anything else reaches it. */
  private async revive(): Promise<void> {
    await this.parking;
    if (this.closed) throw new BridgeError('SESSION_CLOSED');
    await this.options.budget.reserve(this);
    const child = this.spawn(this.options.log);
    this.options.log.info('reviving the session: starting its MCP server and replaying its initialize');
    const replayId = `mcp-bridge-revive-${++this.revivals}`;
    const answered = new Promise<JSONRPCMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new BridgeError('CHILD_START_FAILED', 'the revived server did not answer the replayed initialize')), REVIVE_TIMEOUT_MS);
      timer.unref();
      this.replay = { id: replayId, resolve: (message) => (clearTimeout(timer), resolve(message)) };
    });
    this.child = child;
    try {
      await this.attach(child);
      if (this.initialize) {
        await child.transport.send({ ...this.initialize, id: replayId });
        const answer = await answered;
        if ('error' in answer) throw new BridgeError('CHILD_START_FAILED', `the revived server refused the replayed initialize: ${answer.error.message}`);
      }
      if (this.initialized) await child.transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    } catch (error) {
      this.child = undefined;
      this.options.budget.release(this);
      child.transport.onclose = undefined;
      await child.transport.close().catch(() => {});
      throw error instanceof BridgeError ? error : new BridgeError('CHILD_START_FAILED', (error as Error).message);
    } finally {
      this.replay = undefined;
    }
  }

  private fromChild(message: JSONRPCMessage): void {
    this.touch();
    if (isResponse(message) && this.replay && message.id === this.replay.id) return this.replay.resolve(message);
    this.note(message, 'server');
    this.onmessage?.(message);
    this.scheduleIdleCheck();
  }

  /** Keeps the handshake to replay, what is in flight each way, and the subscribed resources. */
  private note(message: JSONRPCMessage, from: 'client' | 'server'): void {
    const mine = from === 'client' ? this.fromClient : this.fromServer;
    const theirs = from === 'client' ? this.fromServer : this.fromClient;
    if (isRequest(message)) {
      if (message.method === 'initialize' && from === 'client') this.initialize = message as typeof this.initialize;
      mine.add(message.id);
      const uri = ((message as { params?: { uri?: unknown } }).params)?.uri;
      if (typeof uri === 'string' && message.method === 'resources/subscribe') this.subscriptions.add(uri);
      if (typeof uri === 'string' && message.method === 'resources/unsubscribe') this.subscriptions.delete(uri);
    } else if (isResponse(message)) {
      theirs.delete(message.id);
    } else if (isNotification(message) && message.method === 'notifications/initialized' && from === 'client') {
      this.initialized = true;
    }
  }

  /** When the session last passed a message (performance.now()). */
  get lastActive(): number {
    return this.idleCheck.lastActiveAt;
  }

  private touch(): void {
    this.idleCheck.touch();
  }

  /** Makes sure an idle check is due (see idleCheck), unless the session is closed. */
  private scheduleIdleCheck(): void {
    if (!this.closed) this.idleCheck.start();
  }
}

/** Wraps a per-session upstream factory so that each session's child hibernates when idle (see HibernatingChild). */
export function hibernatingUpstream(first: UpstreamFactory, fresh: UpstreamFactory, idleMs: number, budget: ChildBudget): UpstreamFactory {
  return (log) => {
    const transport = new HibernatingChild(first(log), fresh, { idleMs, budget, log });
    return { transport, explainClose: () => transport.explainClose(), watch: (downstream) => transport.watch(downstream) };
  };
}
