// The remote upstream of reverse mode: one remote session at a time, reconnecting with backoff, and
// every request answered once.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { DEFAULT_MAX_MESSAGE_BYTES, type ProtocolEra, type RemoteKind, type RemoteOptions } from './options.js';
import { isRequest, isResponse } from '../../shared/jsonrpc.js';
import { BridgeError, rpcErrorResponse } from '../../shared/errors.js';
import type { RemoteOAuth } from '../../oauth/types.js';
import { shownUrl, type Logger } from '../../shared/log.js';
import { backoffDelay, pause } from './backoff.js';
import { identityFrom, openModern } from './modern/discover.js';
import { Handshake } from './handshake.js';
import { LegacySseConnection } from './legacySseClient.js';
import type { ClientIdentity } from '../../shared/modernWire.js';
import type { ConnectionOptions, RemoteConnection } from './connection.js';
import { failureErrorCodes, failureForError, type RemoteFailure } from './failure.js';
import { StreamableHttpConnection } from './streamableHttpClient.js';

/** One remote session and the client requests it took that still await an answer. */
interface Live {
  readonly connection: RemoteConnection;
  /** Requests being POSTed: their fate is decided by how the POST ends. */
  readonly sending: Set<RequestId>;
  /** Requests the server accepted; they may run, so a lost session fails them rather than resending. */
  readonly accepted: Set<RequestId>;
  /** Why the session ended, once it has. */
  lost?: RemoteFailure;
}

// Statuses with which a legacy-only server refuses the initial Streamable HTTP POST (spec: backwards compatibility).
const legacySseFallbackStatuses = new Set([400, 404, 405]);
// How often one message may meet a lost session before the bridge stops starting new ones for it.
const MAX_SESSION_RESTARTS = 2;
// How often one message may send the user to sign in (a second time covers a step-up of scopes).
const MAX_SIGN_INS = 2;
// How long closing waits for messages still being sent.
const FLUSH_TIMEOUT_MS = 2_000;
// How long a request waits for an unreachable remote before it is answered with an error (desktop clients
// give up connecting after 15 to 60 s); the bounded retries go on, so a later request finds the remote up.
const FIRST_ANSWER_MS = 10_000;

/**
 * A remote MCP server as one Transport that relays raw messages (no SDK Client in between, so
 * nothing is answered or dropped on the way) and survives the remote's failures: messages wait
 * while it connects; unreachable servers are retried with capped, jittered backoff; a lost session
 * is rebuilt by replaying the client's own handshake, and messages it never accepted are resent,
 * while requests that may have run are answered with errors. 401/403 fail at once. A remote that
 * answers `server/discover` at 2026-07-28 is spoken to statelessly instead (ModernConnection).
 */
export class RemoteTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;

  private kind: Exclude<RemoteKind, 'auto'>;
  private detecting: boolean;
  /** The protocol era: probed on the first connection when auto, then fixed. */
  private era: ProtocolEra;
  /** The desktop client as a 2026-07-28 remote sees it; created on the first connection. */
  private identity: ClientIdentity | undefined;
  private current: Promise<Live> | undefined;
  private latest: Live | undefined;
  private readonly handshake = new Handshake();
  private readonly stopping = new AbortController();
  private readonly sending = new Set<Promise<void>>();
  private closing: Promise<void> | undefined;
  /** Ends the current backoff wait early. */
  private wake: AbortController | undefined;

  constructor(
    private readonly options: RemoteOptions,
    private readonly log: Logger,
    /** OAuth for servers that require it (default: none, only the configured headers). */
    private readonly oauth?: RemoteOAuth,
  ) {
    this.kind = options.kind === 'sse' ? 'sse' : 'streamableHttp';
    this.detecting = options.kind === 'auto';
    this.era = options.kind === 'sse' ? 'legacy' : options.era;
  }

  /** The transport in use: the one given, or the one detection settled on (Streamable HTTP until it falls back). */
  get transportKind(): Exclude<RemoteKind, 'auto'> {
    return this.kind;
  }

  /** The protocol era: `modern` once the remote answered `server/discover` at 2026-07-28, `legacy` once it did not (`auto` before the first connection). */
  get protocolEra(): ProtocolEra {
    return this.era;
  }

  async start(): Promise<void> {
    // Legacy SSE opens its stream now; Streamable HTTP waits for the first message.
    if (this.kind === 'sse') this.ready().catch(() => {});
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const sending = this.deliver(message);
    this.sending.add(sending);
    void sending.catch(() => {}).finally(() => this.sending.delete(sending));
    return sending;
  }

  private async deliver(message: JSONRPCMessage): Promise<void> {
    this.handshake.recordOutgoing(message);
    let retries = 0;
    let restarts = 0;
    let signIns = 0;
    for (;;) {
      const live = await (isRequest(message) ? this.readyWithin(FIRST_ANSWER_MS) : this.ready()).catch((error: unknown) => this.fail(error));
      if (isRequest(message)) live.sending.add(message.id);
      try {
        await live.connection.send(message);
        if (this.detecting) this.log.info('connected to the remote MCP server', { url: shownUrl(this.options.url), transport: this.kind });
        this.detecting = false;
        if (isRequest(message)) this.accepted(live, message.id);
        return;
      } catch (error) {
        if (isRequest(message)) live.sending.delete(message.id);
        // A POST cut short because its session was declared lost meanwhile was not taken: it goes to the new session.
        const failure = live.lost && failureForError(error).kind === 'broken' ? live.lost : failureForError(error);
        if (this.fallBackToLegacySse(failure, live)) continue;
        if (failure.kind === 'sessionLost' && restarts++ < MAX_SESSION_RESTARTS) {
          this.sessionLost(live, failure);
          // An answer to a server request belongs to the lost session; the new one never asked.
          if (isResponse(message)) return;
          continue;
        }
        if (failure.kind === 'unreachable' && retries < this.options.backoff.attempts) {
          await this.waitToRetry(retries++, failure);
          continue;
        }
        // Refused, so never run: safe to send again once signed in.
        if (failure.kind === 'unauthorized' && signIns++ < MAX_SIGN_INS && (await this.signIn(failure))) continue;
        this.fail(failure);
      }
    }
  }

  /** Ends the remote session (DELETE for Streamable HTTP) and stops every stream. */
  close(): Promise<void> {
    return (this.closing ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    // What the client wrote just before leaving (a last notification, say) still goes out, briefly.
    await Promise.race([Promise.allSettled(this.sending), new Promise((resolve) => setTimeout(resolve, FLUSH_TIMEOUT_MS).unref())]);
    this.stopping.abort();
    await this.latest?.connection.close(true);
    this.onclose?.();
  }

  /** The live session, connecting (and re-initializing) first when there is none. */
  private ready(): Promise<Live> {
    if (this.stopping.signal.aborted) return Promise.reject(new BridgeError('SESSION_CLOSED', 'the bridge is shutting down'));
    this.current ??= this.connectWithRetries().catch((error: unknown) => {
      this.current = undefined;
      throw error;
    });
    return this.current;
  }

  /** The live session, or REMOTE_UNREACHABLE after `ms` while connecting goes on in the background. */
  private async readyWithin(ms: number): Promise<Live> {
    // A new request while connecting waits in backoff tries at once (each try still counts toward the attempts).
    this.wake?.abort();
    const connecting = this.ready();
    connecting.catch(() => {}); // a later request sees the outcome
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BridgeError('REMOTE_UNREACHABLE', `no answer from ${this.options.url} within ${ms / 1000} s; still retrying`)), ms);
      timer.unref();
    });
    try {
      return await Promise.race([connecting, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async connectWithRetries(): Promise<Live> {
    let signIns = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.connect();
      } catch (error) {
        const failure = failureForError(error);
        if (failure.kind === 'unauthorized' && signIns++ < MAX_SIGN_INS && (await this.signIn(failure))) continue;
        const retryable = failure.kind === 'unreachable' || failure.kind === 'broken';
        if (!retryable || attempt >= this.options.backoff.attempts || this.stopping.signal.aborted) throw failure;
        await this.waitToRetry(attempt, failure);
      }
    }
  }

  /** Lets OAuth react to a 401/403 (refresh, sign in, step up); true when a retry may now succeed. */
  private async signIn(failure: RemoteFailure): Promise<boolean> {
    if (!this.oauth) return false;
    try {
      return await this.oauth.onUnauthorized(failure.status ?? 401, failure.wwwAuthenticate ?? null);
    } catch (error) {
      this.log.error('signing in to the remote MCP server failed', { error: (error as Error).message });
      return false;
    }
  }

  private async waitToRetry(attempt: number, failure: RemoteFailure): Promise<void> {
    const delayMs = backoffDelay(attempt, this.options.backoff);
    this.log.warn('could not reach the remote MCP server; retrying', { attempt: attempt + 1, of: this.options.backoff.attempts, delayMs, error: failure.message });
    this.wake = new AbortController();
    await pause(delayMs, AbortSignal.any([this.stopping.signal, this.wake.signal]));
  }

  private async connect(): Promise<Live> {
    const options = {
      url: new URL(this.options.url),
      headers: this.options.headers,
      backoff: this.options.backoff,
      log: this.log,
      oauth: this.oauth,
      maxMessageBytes: this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    };
    const modern = this.era === 'legacy' ? undefined : await this.connectModern(options);
    if (modern) return modern;
    const connection = this.kind === 'sse' ? new LegacySseConnection(options) : new StreamableHttpConnection(options);
    const live: Live = { connection, sending: new Set(), accepted: new Set() };
    this.latest = live;
    connection.onmessage = (message) => this.receive(live, message);
    connection.onlost = (ids, failure) => this.answerLost(live, ids, failure);
    connection.ondown = (failure) => this.sessionLost(live, failure);
    try {
      await connection.open();
      await this.handshake.replay(connection, this.log);
    } catch (error) {
      await connection.close(true);
      throw error;
    }
    if (this.stopping.signal.aborted) await connection.close(true);
    // While detecting, Streamable HTTP is only chosen once the remote takes the first message (said there, once).
    if (!this.detecting) this.log.info('connected to the remote MCP server', { url: shownUrl(this.options.url), transport: this.kind });
    return live;
  }

  /** A stateless 2026-07-28 connection when the remote speaks it; otherwise undefined, and the legacy era from now on. */
  private async connectModern(options: ConnectionOptions): Promise<Live | undefined> {
    this.identity ??= identityFrom(this.handshake.clientHello);
    const connection = await openModern(options, this.identity, this.era === 'modern');
    if (!connection) {
      this.era = 'legacy';
      return undefined;
    }
    this.era = 'modern';
    this.detecting = false;
    const live: Live = { connection, sending: new Set(), accepted: new Set() };
    this.latest = live;
    connection.onmessage = (message) => this.receive(live, message);
    return live;
  }

  private receive(live: Live, message: JSONRPCMessage): void {
    if (this.handshake.takeIncoming(message, live.connection)) return;
    if (isResponse(message)) {
      // An answer can beat the end of its own POST (JSON responses arrive inside it).
      live.sending.delete(message.id);
      live.accepted.delete(message.id);
    }
    this.onmessage?.(message);
  }

  /** Drops a session the server no longer knows, fails what it had accepted, and rebuilds it. */
  private sessionLost(live: Live, failure: RemoteFailure): void {
    if (this.latest !== live || this.stopping.signal.aborted) return;
    this.log.warn('the remote MCP server lost the session; starting a new one', { error: failure.message });
    this.current = undefined;
    this.latest = undefined;
    live.lost = failure;
    void live.connection.close(false);
    this.answerLost(live, [...live.accepted], failure);
    // Rebuild now rather than on the next request, so that server notifications flow again.
    if (failure.kind === 'sessionLost' && this.handshake.established) this.ready().catch(() => {});
  }

  /** Notes a request the server took; on a session that died meanwhile, it may have run and is failed. */
  private accepted(live: Live, id: RequestId): void {
    if (!live.sending.delete(id)) return; // already answered
    live.accepted.add(id);
    if (live.lost) this.answerLost(live, [id], live.lost);
  }

  /** Answers requests that may have run but whose answers cannot come, with a JSON-RPC error. */
  private answerLost(live: Live, ids: RequestId[], failure: RemoteFailure): void {
    for (const id of ids) {
      if (!live.accepted.delete(id)) continue;
      this.onmessage?.(rpcErrorResponse(id, failure.kind === 'sessionLost' ? 'REMOTE_SESSION_LOST' : 'REMOTE_CONNECTION_LOST', failure.message));
    }
  }

  private fallBackToLegacySse(failure: RemoteFailure, live: Live): boolean {
    if (!this.detecting || failure.kind !== 'rejected' || !legacySseFallbackStatuses.has(failure.status ?? 0)) return false;
    this.log.info('the remote refused Streamable HTTP; trying legacy SSE', { status: failure.status, contentType: failure.contentType });
    if (failure.body) this.log.debug('the refusal\'s body', { body: failure.body });
    this.detecting = false;
    this.kind = 'sse';
    this.current = undefined;
    void live.connection.close(false);
    return true;
  }

  /** Turns a failure into the BridgeError the desktop client's request is answered with. */
  private fail(error: unknown): never {
    if (error instanceof BridgeError) throw error;
    const failure = failureForError(error);
    if (failure.kind === 'unauthorized') {
      const hint = this.oauth ? 'signing in did not help' : 'check --header, --oauth2Bearer or MCP_API_KEY';
      this.log.error(`the remote MCP server refused our credentials; ${hint}`, { status: failure.status });
    } else if (failure.kind === 'unreachable') {
      this.log.error('giving up on the remote MCP server for this message', { retries: this.options.backoff.attempts, error: failure.message });
    } else {
      this.log.warn('the remote MCP server failed', { error: failure.message });
    }
    throw new BridgeError(failureErrorCodes[failure.kind], failure.message);
  }
}
