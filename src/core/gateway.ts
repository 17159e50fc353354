// The core's session owner: the Upstream contract, and the Gateway that opens a relay between a new
// downstream session and a fresh upstream.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { BridgeError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import type { RelayObserver } from './observers.js';
import { Relay, type CloseReason } from './relay.js';
import { Session, SessionRegistry, type SessionKind } from './sessions.js';

/** An upstream for one session: the transport and how to explain its ending by itself. */
export interface Upstream {
  transport: Transport;
  explainClose(): CloseReason;
  /** Told the session's client transport once the session exists (hibernating children watch its streams). */
  watch?(downstream: Transport): void;
}

/** Makes a fresh upstream (e.g. spawns a stdio child) for each new session. */
export type UpstreamFactory = (log: Logger) => Upstream;

/** Options for the Gateway; `idleTimeoutMs` closes sessions without client activity. */
export interface GatewayOptions {
  upstream: UpstreamFactory;
  idleTimeoutMs: number;
  /** See RelayOptions.requestTimeoutMs (0: never). */
  requestTimeoutMs: number;
  /** Live sessions allowed at once, all transports together (0 or absent: no limit). */
  maxSessions?: number;
  log: Logger;
  /** Watches every session's relay (default: nobody). */
  observer?: RelayObserver;
  /** A bound on sessions shared beyond this gateway (a cluster's --maxSessions); default: this gateway's own count only. */
  admission?: SessionAdmission;
}

/** A session bound shared with others (a cluster's --maxSessions): asked as a session opens, told when it closes; never per message. */
export interface SessionAdmission {
  /** Takes a place for one more session under `max`; false when `max` sessions are open across the cluster. */
  admit(max: number): Promise<boolean>;
  /** Gives a place back (the session closed, or never started). */
  release(): void;
}

/** Seconds a client refused for too many sessions is told to wait (Retry-After). */
export const tooManySessionsRetryAfterSeconds = 5;

/**
 * The core that owns sessions: each new downstream gets its own upstream and a relay between them.
 * Transports call `open` when a client arrives and `sessions` to find it again.
 */
export class Gateway {
  readonly sessions = new SessionRegistry();
  private accepting = true;

  constructor(private readonly options: GatewayOptions) {}

  /** False once shutdown has begun. */
  get isAccepting(): boolean {
    return this.accepting;
  }

  /**
   * Starts a session for a new client; throws BridgeError SHUTTING_DOWN during shutdown,
   * TOO_MANY_SESSIONS at `maxSessions`, and CHILD_START_FAILED when its server cannot start.
   * `relateToRequests`: see Relay.
   */
  async open<D extends Transport>(kind: SessionKind, id: string, downstream: D, { relateToRequests = true } = {}): Promise<Session<D>> {
    if (!this.accepting) throw new BridgeError('SHUTTING_DOWN');
    // Checked and added with no await in between, so concurrent opens cannot overshoot.
    const max = this.options.maxSessions ?? 0;
    if (max > 0 && this.sessions.size >= max) {
      throw new BridgeError('TOO_MANY_SESSIONS', `${max} sessions are open`, { 'Retry-After': String(tooManySessionsRetryAfterSeconds) });
    }
    // The cluster-wide count is checked (and a place taken) atomically in Redis, after the local check.
    const admission = max > 0 ? this.options.admission : undefined;
    if (admission && !(await admission.admit(max))) {
      throw new BridgeError('TOO_MANY_SESSIONS', `${max} sessions are open across the cluster`, { 'Retry-After': String(tooManySessionsRetryAfterSeconds) });
    }
    let released = false;
    const release = (): void => void (admission && !released && ((released = true), admission.release()));
    if (!this.accepting) {
      release();
      throw new BridgeError('SHUTTING_DOWN');
    }
    const log = this.options.log.child({ sessionId: id, transport: kind });
    const upstream = this.options.upstream(log);
    const relay = new Relay(downstream, upstream.transport, log, {
      explainUpstreamClose: () => upstream.explainClose(),
      relateToRequests,
      requestTimeoutMs: this.options.requestTimeoutMs,
      observer: this.options.observer,
    });
    upstream.watch?.(downstream);
    const session = new Session(id, kind, downstream, relay, log, this.options.idleTimeoutMs);
    this.sessions.add(session);
    log.info('session opened');
    void relay.closed.then(() => (release(), log.info('session closed')));
    try {
      await relay.start();
    } catch (error) {
      // A refusal of the catalogue (TOO_MANY_CHILDREN) keeps its code; anything else is a failed start.
      const refusal = error instanceof BridgeError ? error : new BridgeError('CHILD_START_FAILED', (error as Error).message);
      await session.close({ code: refusal.code, detail: refusal.detail });
      release();
      throw refusal;
    }
    return session;
  }

  /** Stops taking new sessions while the live ones go on (a reload drains a server this way before closing it). */
  stopAccepting(): void {
    this.accepting = false;
  }

  /** Client requests awaiting an answer, over every session. */
  get pendingRequests(): number {
    return this.sessions.pendingRequests;
  }

  /** Stops accepting sessions and closes every session, answering what is in flight. */
  async close(reason: CloseReason = { code: 'SHUTTING_DOWN' }): Promise<void> {
    this.accepting = false;
    await this.sessions.closeAll(reason);
  }
}
