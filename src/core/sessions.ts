// Live sessions: the generic Session record, the registry that bounds and expires them, and the
// limits they share.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { IdleTimer } from '../shared/idleTimer.js';
import type { Logger } from '../shared/log.js';
import type { CloseReason, Relay } from './relay.js';

/** Session lifetime and buffering, for every session of a server. */
export interface SessionLimits {
  /** Close a session after this long without client activity. */
  readonly idleTimeoutMs: number;
  /** Events kept per Streamable HTTP session for resumption (0: none). */
  readonly eventStoreMaxEvents: number;
  /** Give up on a request after this long without an answer or progress (0: never). */
  readonly requestTimeoutMs: number;
  /** Bytes a session may have queued toward its HTTP client before it is disconnected (default 8 MiB). */
  readonly maxBufferBytes: number;
}

/** Which downstream transport a session speaks. */
export type SessionKind = 'sse' | 'streamableHttp' | 'stateless';

/**
 * One client session: a relay between the client's transport and its MCP server, with an idle
 * timer that closes it after `idleTimeoutMs` without client activity (an open GET stream alone is
 * not activity; a request still in flight is).
 */
export class Session<D extends Transport = Transport> {
  private readonly idleTimer: IdleTimer;

  constructor(
    readonly id: string,
    readonly kind: SessionKind,
    /** The client's transport, for the endpoint that feeds it requests. */
    readonly downstream: D,
    readonly relay: Relay,
    private readonly log: Logger,
    idleTimeoutMs: number,
  ) {
    // A request still in flight keeps the session busy.
    this.idleTimer = new IdleTimer(idleTimeoutMs, () => relay.pending > 0, () => this.idle());
    this.idleTimer.start();
  }

  /** True, and typed so, when the client's transport is a `type`: how an endpoint finds its own sessions without a cast. */
  downstreamIs<T extends Transport>(type: abstract new (...args: never[]) => T): this is Session<T> {
    return this.downstream instanceof type;
  }

  /** Records client activity, postponing the idle timeout. */
  touch(): void {
    this.idleTimer.touch();
  }

  /** Ends the session: the server is stopped and requests in flight are answered with `reason`. */
  async close(reason: CloseReason): Promise<void> {
    this.idleTimer.stop();
    await this.relay.close(reason);
  }

  /** Stops the timer once the relay has ended by itself. */
  markEnded(): void {
    this.idleTimer.stop();
  }

  private idle(): void {
    this.log.info('session idle timeout');
    void this.close({ code: 'SESSION_CLOSED', detail: 'idle timeout' });
  }
}

/** Every live session by id; sessions leave it when their relay ends. */
export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();

  get size(): number {
    return this.sessions.size;
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /** Client requests awaiting an answer, over every session. */
  get pendingRequests(): number {
    let pending = 0;
    for (const session of this.sessions.values()) pending += session.relay.pending;
    return pending;
  }

  /** Counts live sessions of one kind. */
  count(kind: SessionKind): number {
    let count = 0;
    for (const session of this.sessions.values()) if (session.kind === kind) count++;
    return count;
  }

  add(session: Session): void {
    this.sessions.set(session.id, session);
    void session.relay.closed.then(() => {
      session.markEnded();
      this.sessions.delete(session.id);
    });
  }

  /** Closes every session, answering in-flight requests with `reason`. */
  async closeAll(reason: CloseReason): Promise<void> {
    await Promise.all([...this.sessions.values()].map((session) => session.close(reason)));
  }
}
