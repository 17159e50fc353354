// One stdio child shared by many sessions: initializes once, remaps ids and routes each answer and
// server request to its session.
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { ChildCommand } from './options.js';
import { IdMap } from '../../core/idMap.js';
import { isResponse } from '../../shared/jsonrpc.js';
import type { ChildObserver } from '../../core/observers.js';
import { BridgeError, rpcErrorResponse } from '../../shared/errors.js';
import { latestProtocolVersion } from '../../shared/protocolVersions.js';
import type { Logger } from '../../shared/log.js';
import { backoffDelay, type BackoffOptions } from '../remote/backoff.js';
import { explainExit, StdioChildTransport } from './stdioChild.js';

/** Whoever a request to a shared child belongs to: a client session, or the bridge itself. */
export interface RequestOwner {
  /** Takes a message for this owner (an answer with the owner's own id, or progress with its own token). */
  deliver(message: JSONRPCMessage): void;
  /** False for the bridge's own requests (initialize, resubscribe), which no client sees. */
  readonly isSession: boolean;
}

/** What a SharedChild tells its pool. */
export interface SharedChildEvents {
  /** A server message that is neither an answer nor progress of a request: the pool routes it. */
  message(child: SharedChild, message: JSONRPCMessage): void;
  /** The child (re)started and is initialized. */
  ready(child: SharedChild): void;
  /** The child ended; each of its requests in flight has had its one error answer. */
  exited(child: SharedChild): void;
}

/** Options of one shared child. */
export interface SharedChildOptions {
  command: ChildCommand;
  log: Logger;
  observer?: Partial<ChildObserver>;
  /** Restart delays: doubling from `initialDelayMs` (default 250 ms) up to `maxDelayMs` (default 30 s). */
  restart?: Pick<BackoffOptions, 'initialDelayMs' | 'maxDelayMs'>;
  /** How long the child may take to answer the bridge's initialize (default 30 s). */
  initializeTimeoutMs?: number;
}

type Request = JSONRPCMessage & { id: RequestId; method: string; params?: Record<string, unknown> };

/** Capabilities the bridge declares for all its clients, so that server-to-client requests are allowed. */
const bridgeClientCapabilities = { sampling: {}, elicitation: {}, roots: { listChanged: true } };

function withProgressToken(params: Record<string, unknown> | undefined, token: number): Record<string, unknown> {
  const meta = (params?._meta ?? {}) as Record<string, unknown>;
  return { ...params, _meta: { ...meta, progressToken: token } };
}

/**
 * One stdio MCP server shared by many sessions: the bridge initializes it once, every session's
 * requests reach it under ids from an IdMap, and answers and progress go back to their owner with
 * the owner's id and token. When it dies, each request in flight gets one error answer and it is
 * restarted (re-initialized) after a capped exponential backoff.
 */
export class SharedChild {
  readonly requests = new IdMap<RequestOwner>();
  /** The child's answer to the bridge's initialize, once it is ready. */
  initializeResult: Record<string, unknown> | undefined;
  /** The session that last sent this child anything (for server requests no pending request explains). */
  lastSender: RequestOwner | undefined;

  private transport: StdioChildTransport | undefined;
  private state: 'starting' | 'ready' | 'waiting' | 'closed' = 'waiting';
  private readiness!: { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void };
  private failures = 0;
  private readyAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly log: Logger;

  constructor(
    readonly index: number,
    private readonly options: SharedChildOptions,
    private readonly events: SharedChildEvents,
  ) {
    this.log = options.log.child({ sharedChild: index });
    this.renewReadiness();
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  /** Requests in flight: how loaded the child is. */
  get load(): number {
    return this.requests.size;
  }

  /** The pid of the running process, if any. */
  get pid(): number | undefined {
    return this.transport?.pid;
  }

  /** Spawns and initializes the child (in the background; failures lead to restarts). */
  start(): void {
    void this.run();
  }

  /** Resolves once the child is initialized; rejects with CHILD_START_FAILED if this start attempt fails. */
  whenReady(): Promise<void> {
    return this.readiness.promise;
  }

  /** Sends a session's request under a fresh id (and progress token); throws BridgeError if it cannot go out. */
  forward(owner: RequestOwner, message: Request, token?: string | number, onAnswer?: (answer: unknown) => void): Promise<void> {
    if (this.state !== 'ready') return Promise.reject(new BridgeError('CHILD_EXITED', 'the shared MCP server is restarting'));
    return this.dispatch(owner, message, token, onAnswer);
  }

  private async dispatch(owner: RequestOwner, message: Request, token?: string | number, onAnswer?: (answer: unknown) => void): Promise<void> {
    const transport = this.transport;
    if (!transport) throw new BridgeError('CHILD_EXITED', 'the shared MCP server is not running');
    const entry = this.requests.add(owner, message.id, token, onAnswer);
    if (owner.isSession) this.lastSender = owner;
    const params = token === undefined ? message.params : withProgressToken(message.params, entry.childId);
    try {
      await transport.send({ ...message, id: entry.childId, ...(params && { params }) } as JSONRPCMessage);
    } catch (error) {
      // Still ours to answer only if the exit handler has not answered it already.
      if (!this.requests.take(entry.childId)) return;
      throw error instanceof BridgeError ? error : new BridgeError('CHILD_EXITED', (error as Error).message);
    }
  }

  /** Tells the child to stop working on `owner`'s request `id`; false when no such request is in flight. */
  cancel(owner: RequestOwner, id: RequestId, reason: string): boolean {
    const childId = this.requests.childIdOf(owner, id);
    if (childId === undefined) return false;
    this.requests.take(childId);
    this.sendRaw({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: childId, reason } } as JSONRPCMessage);
    return true;
  }

  /** Cancels every request of `owner` (its session closed). */
  forget(owner: RequestOwner): void {
    for (const entry of this.requests.takeAll(owner)) {
      this.sendRaw({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: entry.childId, reason: 'the client session closed' } } as JSONRPCMessage);
    }
    if (this.lastSender === owner) this.lastSender = undefined;
  }

  /** The session whose request was sent most recently and is still pending, if any. */
  latestPendingSession(): RequestOwner | undefined {
    let latest: RequestOwner | undefined;
    for (const entry of this.requests.values()) if (entry.owner.isSession) latest = entry.owner;
    return latest;
  }

  /** Sends a message that needs no answer (a notification, or a client's answer to a server request); dropped while down. */
  sendRaw(message: JSONRPCMessage): void {
    if (this.state !== 'ready') return;
    this.transport?.send(message).catch((error: Error) => this.log.debug('could not pass a message to the shared server', { error: error.message }));
  }

  /** Sends a request of the bridge's own and resolves with its answer (an error answer if the child dies first). */
  request(method: string, params: Record<string, unknown>, { whileStarting = false } = {}): Promise<JSONRPCMessage> {
    return new Promise((resolve, reject) => {
      const owner: RequestOwner = { deliver: resolve, isSession: false };
      const message = { jsonrpc: '2.0', id: 'mcp-bridge', method, params } as Request;
      (whileStarting ? this.dispatch(owner, message) : this.forward(owner, message)).catch(reject);
    });
  }

  /** Stops the child for good. */
  async close(): Promise<void> {
    this.state = 'closed';
    clearTimeout(this.restartTimer);
    this.readiness.reject(new BridgeError('SHUTTING_DOWN'));
    await this.transport?.close();
  }

  private renewReadiness(): void {
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((yes, no) => ((resolve = yes), (reject = no)));
    promise.catch(() => {}); // a failed start with nobody waiting is not an unhandled rejection
    this.readiness = { promise, resolve, reject };
  }

  private async run(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'starting';
    const transport = new StdioChildTransport(this.options.command, this.log, process.env, this.options.observer);
    this.transport = transport;
    transport.onmessage = (message) => this.received(message);
    transport.onclose = () => this.exited(transport);
    try {
      await transport.start();
      this.initializeResult = await this.initialize();
      if (this.transport !== transport || this.state !== 'starting') return;
      await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      this.state = 'ready';
      this.readyAt = Date.now();
      this.log.info('shared MCP server ready', { pid: transport.pid });
      this.readiness.resolve();
      this.events.ready(this);
    } catch (error) {
      this.log.warn('the shared MCP server could not be initialized', { error: (error as Error).message });
      if (this.transport === transport && this.state === 'starting') this.readiness.reject(new BridgeError('CHILD_START_FAILED', (error as Error).message));
      await transport.close();
    }
  }

  private async initialize(): Promise<Record<string, unknown>> {
    // Loaded once the child is spawned, not before: the SDK's schemas take ~100 ms to load (cold start).
    const params = { protocolVersion: latestProtocolVersion, capabilities: bridgeClientCapabilities, clientInfo: { name: 'mcp-bridge', version: '1' } };
    // Sent before the child is ready: sessions wait for readiness, the bridge's own initialize cannot.
    const answer = this.request('initialize', params, { whileStarting: true });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer to initialize')), this.options.initializeTimeoutMs ?? 30_000);
    });
    try {
      const message = await Promise.race([answer, timeout]);
      if (!('result' in message)) throw new Error(`initialize failed: ${JSON.stringify((message as { error?: unknown }).error)}`);
      return message.result as Record<string, unknown>;
    } finally {
      clearTimeout(timer);
    }
  }

  private received(message: JSONRPCMessage): void {
    if (isResponse(message)) {
      const entry = this.requests.take(message.id);
      if (!entry) return this.log.debug('the shared server answered a request nobody waits for', { id: message.id });
      const answer = { ...message, id: entry.id } as JSONRPCMessage;
      entry.onAnswer?.(answer);
      return entry.owner.deliver(answer);
    }
    if ('method' in message && message.method === 'notifications/progress') {
      const params = (message.params ?? {}) as Record<string, unknown>;
      const entry = this.requests.get(params.progressToken);
      if (!entry || entry.token === undefined) return this.log.debug('dropped progress for a request no longer in flight');
      return entry.owner.deliver({ ...message, params: { ...params, progressToken: entry.token } } as JSONRPCMessage);
    }
    this.events.message(this, message);
  }

  private exited(transport: StdioChildTransport): void {
    if (this.transport !== transport) return;
    const reason = explainExit(transport.exit);
    const wasReady = this.state === 'ready';
    for (const entry of this.requests.takeAll()) entry.owner.deliver(rpcErrorResponse(entry.id, reason.code, reason.detail));
    this.lastSender = undefined;
    this.events.exited(this);
    if (this.state === 'closed') return;
    if (!wasReady) this.readiness.reject(new BridgeError('CHILD_START_FAILED', reason.detail));
    this.state = 'waiting';
    this.renewReadiness();
    this.scheduleRestart(wasReady);
  }

  private scheduleRestart(wasReady: boolean): void {
    const { initialDelayMs = 250, maxDelayMs = 30_000 } = this.options.restart ?? {};
    // A child that ran a good while before dying starts the backoff over.
    if (wasReady && Date.now() - this.readyAt > maxDelayMs) this.failures = 0;
    const delay = backoffDelay(this.failures++, { attempts: Infinity, initialDelayMs, maxDelayMs });
    this.log.warn('restarting the shared MCP server', { inMs: delay });
    this.restartTimer = setTimeout(() => {
      this.options.observer?.restarted?.();
      void this.run();
    }, delay);
    this.restartTimer.unref();
  }
}
