// Resource subscriptions of a session-era client, kept over a 2026-07-28 remote's subscription
// streams.
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { BridgeError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/log.js';
import type { ModernHttp } from './http.js';
import { metaKeys, type ClientIdentity } from '../../../shared/modernWire.js';
import { withMeta } from './meta.js';

type Json = Record<string, unknown>;

// How long a resources/subscribe waits for the server to acknowledge the new filter before answering anyway.
const ACK_TIMEOUT_MS = 10_000;

interface ListenStream {
  /** The listen request's id, which the server stamps on the stream's notifications as subscriptionId. */
  readonly id: string;
  readonly controller: AbortController;
  readonly acknowledged: Promise<void>;
  ack(): void;
}

/**
 * A legacy client's resources/subscribe and unsubscribe, over a 2026-07-28 remote's
 * `subscriptions/listen`: one listen request stays open and names every subscribed URI (plus the
 * list_changed notifications the server offers); each change reopens it with the new filter, and
 * the client's request is answered once the server acknowledged it. Notifications on the stream
 * (resources/updated, list_changed) reach the client; the acknowledgements do not.
 */
export class ResourceSubscriptions {
  private readonly uris = new Set<string>();
  private current: ListenStream | undefined;
  private opened = 0;

  constructor(
    private readonly http: ModernHttp,
    private readonly identity: ClientIdentity,
    /** The server's capabilities from server/discover: which list_changed notifications to ask for. */
    private readonly capabilities: Json,
    private readonly log: Logger,
  ) {}

  /**
   * Consumes the server's acknowledgement of our filter (true); other messages, and acknowledgements
   * of a listen request a 2026-07-28 desktop client sent itself, are not ours (false).
   */
  take(message: JSONRPCMessage): boolean {
    if (!this.current || !('method' in message) || message.method !== 'notifications/subscriptions/acknowledged') return false;
    const meta = (message.params as { _meta?: Json } | undefined)?._meta;
    const subscription = meta?.[metaKeys.subscriptionId];
    if (subscription !== undefined && subscription !== this.current.id) return false;
    this.current.ack();
    return true;
  }

  /** Adds or removes one URI and resolves once the remote listens with the new filter (or nothing is left to listen to). */
  async change(method: 'resources/subscribe' | 'resources/unsubscribe', uri: string): Promise<void> {
    if (method === 'resources/subscribe') this.uris.add(uri);
    else this.uris.delete(uri);
    this.current?.controller.abort();
    this.current = undefined;
    if (this.uris.size > 0) await this.listen();
  }

  /** Ends the listen stream. */
  close(): void {
    this.current?.controller.abort();
    this.current = undefined;
  }

  private async listen(): Promise<void> {
    let ack = (): void => {};
    const acknowledged = new Promise<void>((resolve) => (ack = resolve));
    const stream: ListenStream = { id: `mcp-bridge-listen-${++this.opened}`, controller: new AbortController(), acknowledged, ack };
    this.current = stream;
    const request = withMeta(
      { jsonrpc: '2.0', id: stream.id, method: 'subscriptions/listen', params: { notifications: this.filter() } },
      this.identity,
    );
    const taken = await this.http.post(request, {}, stream.controller.signal);
    const ended = taken.answer.then(
      (answer) => this.ended(stream, answer),
      (error: Error) => this.ended(stream, undefined, error),
    );
    void ended.catch(() => {}); // a stream that ends after its acknowledgement only warns
    let timer: NodeJS.Timeout | undefined;
    const patience = new Promise<void>((resolve) => (timer = setTimeout(resolve, ACK_TIMEOUT_MS)));
    try {
      await Promise.race([acknowledged, ended, patience]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A listen stream ended: an error answer fails the subscribe waiting on it; later ends only warn. */
  private ended(stream: ListenStream, answer: JSONRPCMessage | undefined, error?: Error): void {
    if (stream.controller.signal.aborted) return; // replaced or closed by us
    if (this.current === stream) this.current = undefined;
    const refusal = answer && 'error' in answer ? JSON.stringify(answer.error).slice(0, 300) : undefined;
    this.log.warn('the remote ended the subscription stream; resources/updated stops until the next resources/subscribe', {
      error: refusal ?? error?.message ?? 'closed by the server',
    });
    if (refusal) throw new BridgeError('REMOTE_REJECTED', `subscriptions/listen: ${refusal}`);
  }

  private filter(): Json {
    const listChanged = (name: string): boolean => (this.capabilities[name] as Json | undefined)?.listChanged === true;
    const filter: Json = { resourceSubscriptions: [...this.uris] };
    if (listChanged('tools')) filter.toolsListChanged = true;
    if (listChanged('prompts')) filter.promptsListChanged = true;
    if (listChanged('resources')) filter.resourcesListChanged = true;
    return filter;
  }
}
