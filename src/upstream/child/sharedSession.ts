// A session's transport onto the shared pool: what the session sees as its own server, multiplexed
// on a shared child.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { isNotification, isRequest } from '../../shared/jsonrpc.js';
import { BridgeError } from '../../shared/errors.js';
import { supportedProtocolVersions } from '../../shared/protocolVersions.js';
import type { RequestOwner } from './sharedChild.js';

type Request = JSONRPCMessage & { id: RequestId; method: string; params?: Record<string, unknown> };

/** What a session needs from the pool of shared children it is multiplexed onto. */
export interface SharedChildHub {
  /** The cached initialize result of the shared servers (waits for the first one to be ready). */
  initializeResult(): Promise<Record<string, unknown>>;
  attach(session: SharedSessionTransport): void;
  detach(session: SharedSessionTransport): void;
  request(session: SharedSessionTransport, message: Request): Promise<void>;
  notify(session: SharedSessionTransport, message: JSONRPCMessage & { method: string }): void;
  respond(session: SharedSessionTransport, message: JSONRPCMessage): void;
}

const logLevels = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

/**
 * The version a client gets: the one it asked for if the shared server's answer shows it speaks it
 * (a version in `known`, the SDK's supported ones, no newer than the server's), else the server's own.
 */
export function negotiatedVersion(requested: unknown, serverVersion: string, known: readonly string[]): string {
  const isKnown = typeof requested === 'string' && known.includes(requested);
  return isKnown && requested <= serverVersion ? requested : serverVersion;
}

/**
 * One client session's view of the shared children, as the upstream Transport of its Relay: its
 * `initialize`, `ping` and `logging/setLevel` are answered here without a round trip, and
 * everything else goes through the hub, which remaps ids. Opening and closing one spawns nothing.
 */
export class SharedSessionTransport implements Transport, RequestOwner {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  readonly isSession = true;
  /** The lowest log level this session asked for with logging/setLevel (default: every level). */
  private minLogLevel = 0;
  private closed = false;

  constructor(private readonly hub: SharedChildHub) {}

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new BridgeError('SESSION_CLOSED');
    if (isRequest(message)) return this.sendRequest(message as Request);
    if (isNotification(message)) {
      // The shared servers were initialized by the bridge; the client's own handshake ends here.
      if (message.method !== 'notifications/initialized') this.hub.notify(this, message);
      return;
    }
    this.hub.respond(this, message);
  }

  /** Takes a message for this session's client. */
  deliver(message: JSONRPCMessage): void {
    if (!this.closed) this.onmessage?.(message);
  }

  /** Whether a logging notification at `level` is one this session asked to see. */
  wantsLog(level: unknown): boolean {
    const rank = logLevels.indexOf(String(level));
    return rank < 0 || rank >= this.minLogLevel;
  }

  /** Leaves the shared children: requests in flight are cancelled there and subscriptions dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.detach(this);
    this.onclose?.();
  }

  private async sendRequest(message: Request): Promise<void> {
    switch (message.method) {
      case 'initialize': {
        const result = await this.hub.initializeResult();
        const protocolVersion = negotiatedVersion(message.params?.protocolVersion, String(result.protocolVersion), supportedProtocolVersions);
        this.hub.attach(this);
        return this.answer(message.id, { ...result, protocolVersion });
      }
      case 'ping':
        return this.answer(message.id, {});
      case 'logging/setLevel': {
        // Global on a shared server, so kept here and applied as a filter for this session alone.
        const rank = logLevels.indexOf(String(message.params?.level));
        if (rank >= 0) this.minLogLevel = rank;
        return this.answer(message.id, {});
      }
      default:
        return this.hub.request(this, message);
    }
  }

  /** Answers this session's request `id` from the bridge itself. */
  answer(id: RequestId, result: Record<string, unknown>): void {
    // After the relay (and the downstream transport) have finished handling the request that asked.
    queueMicrotask(() => this.deliver({ jsonrpc: '2.0', id, result } as JSONRPCMessage));
  }
}
