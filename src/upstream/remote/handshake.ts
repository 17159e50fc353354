// Remembers the desktop client's initialize so a new remote session can be opened again after the
// old one was lost.
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { isResponse } from '../../shared/jsonrpc.js';
import type { Logger } from '../../shared/log.js';
import type { RemoteConnection } from './connection.js';
import { RemoteFailure } from './failure.js';

// How long a replayed initialize may wait for its answer.
const REPLAY_TIMEOUT_MS = 30_000;

type Request = JSONRPCMessage & { id: RequestId; method: string; params?: Record<string, unknown> };

/**
 * The desktop client's own `initialize` and `notifications/initialized`, remembered so that a new
 * remote session can be set up exactly as the client set up the first one, without the client
 * knowing: the replayed initialize carries a private id and its answer is kept from the client.
 */
export class Handshake {
  private initialize: Request | undefined;
  private initialized: JSONRPCMessage | undefined;
  /** The protocol version the server chose for the client's own initialize. */
  private negotiated: string | undefined;
  private replays = 0;
  private readonly waiting = new Map<RequestId, (message: JSONRPCMessage) => void>();

  /** True once the client's initialize has been answered: a lost session can then be rebuilt. */
  get established(): boolean {
    return this.negotiated !== undefined;
  }

  /** The params of the client's initialize (clientInfo, capabilities, protocolVersion), once it sent one. */
  get clientHello(): Record<string, unknown> | undefined {
    return this.initialize?.params;
  }

  /** Notes the client's handshake messages as they go out. */
  recordOutgoing(message: JSONRPCMessage): void {
    if (!('method' in message)) return;
    if (message.method === 'initialize' && 'id' in message) this.initialize = message as Request;
    if (message.method === 'notifications/initialized') this.initialized = message;
  }

  /**
   * Looks at a message from the server: answers to replays are taken (true: do not pass it on);
   * the answer to the client's own initialize tells the connection the negotiated version.
   */
  takeIncoming(message: JSONRPCMessage, connection: RemoteConnection): boolean {
    if (!isResponse(message)) return false;
    const waiter = this.waiting.get(message.id);
    if (waiter) {
      this.waiting.delete(message.id);
      waiter(message);
      return true;
    }
    if (this.initialize && message.id === this.initialize.id && 'result' in message) {
      this.negotiated = versionOf(message);
      if (this.negotiated) connection.setProtocolVersion(this.negotiated);
    }
    return false;
  }

  /** Initializes a fresh session the way the client did; rejects if the server refuses. */
  async replay(connection: RemoteConnection, log: Logger): Promise<void> {
    if (!this.initialize || !this.established) return;
    const id = `mcp-bridge-replay-${++this.replays}`;
    let timer: NodeJS.Timeout | undefined;
    const answer = new Promise<JSONRPCMessage>((resolve, reject) => {
      timer = setTimeout(() => reject(new RemoteFailure('broken', 'the server did not answer initialize')), REPLAY_TIMEOUT_MS);
      this.waiting.set(id, resolve);
    });
    answer.catch(() => {}); // awaited below unless the send itself fails
    try {
      await connection.send({ ...this.initialize, id } as JSONRPCMessage);
      const message = await answer;
      if (!('result' in message)) throw new RemoteFailure('rejected', `the server refused initialize: ${JSON.stringify((message as { error?: unknown }).error)}`);
      const version = versionOf(message);
      if (version) connection.setProtocolVersion(version);
      if (version !== this.negotiated) log.warn('the new session speaks another protocol version', { before: this.negotiated, now: version });
      if (this.initialized) await connection.send(this.initialized);
      log.info('re-initialized the remote session with the desktop client\'s own initialize');
    } finally {
      clearTimeout(timer);
      this.waiting.delete(id);
    }
  }
}

function versionOf(message: JSONRPCMessage): string | undefined {
  const version = ((message as { result?: { protocolVersion?: unknown } }).result ?? {}).protocolVersion;
  return typeof version === 'string' ? version : undefined;
}
