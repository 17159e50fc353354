// Relays a 2026-07-28 remote's input requests to the desktop client as ordinary server requests and
// retries the call with the answers.
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { isResponse } from '../../../shared/jsonrpc.js';
import { BridgeError } from '../../../shared/errors.js';
import type { ClientIdentity } from '../../../shared/modernWire.js';

type Json = Record<string, unknown>;

/** The desktop capability each kind of input request needs (spec 2026-07-28, multi round-trip requests). */
const neededCapability: Record<string, string> = {
  'elicitation/create': 'elicitation',
  'sampling/createMessage': 'sampling',
  'roots/list': 'roots',
};

interface Waiter {
  resolve: (result: Json) => void;
  reject: (error: Error) => void;
}

/**
 * Turns the `inputRequests` of an `input_required` result into real server-to-client requests to a
 * legacy desktop client, under private ids, and collects its answers as the `inputResponses` the
 * retried request carries. A kind of input the client did not declare is refused up front.
 */
export class InputRequestRelay {
  private next = 0;
  private readonly waiting = new Map<RequestId, Waiter>();

  constructor(
    /** Sends a message to the desktop client. */
    private readonly toClient: (message: JSONRPCMessage) => void,
    private readonly identity: () => ClientIdentity,
  ) {}

  /** Asks the desktop client every input request (in parallel) and resolves with its answers by key. */
  async answer(inputRequests: unknown): Promise<Json> {
    const entries = Object.entries(typeof inputRequests === 'object' && inputRequests !== null ? (inputRequests as Json) : {});
    for (const [key, request] of entries) this.check(key, request);
    const answers = await Promise.all(entries.map(([, request]) => this.ask(request as { method: string; params?: Json })));
    return Object.fromEntries(entries.map(([key], index) => [key, answers[index]]));
  }

  /** Takes the desktop client's answer to one of our input requests; false when the message is not one. */
  takeAnswer(message: JSONRPCMessage): boolean {
    if (!isResponse(message)) return false;
    const waiter = this.waiting.get(message.id);
    if (!waiter) return false;
    this.waiting.delete(message.id);
    if ('result' in message) waiter.resolve(message.result as Json);
    else waiter.reject(new BridgeError('REMOTE_INPUT_FAILED', `the desktop client answered ${JSON.stringify((message as { error?: unknown }).error).slice(0, 300)}`));
    return true;
  }

  /** Fails every input request still waiting (the bridge is closing). */
  abandon(reason: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(reason);
    this.waiting.clear();
  }

  private check(key: string, request: unknown): void {
    const method = (request as { method?: unknown } | null)?.method;
    const capability = typeof method === 'string' ? neededCapability[method] : undefined;
    if (!capability) throw new BridgeError('REMOTE_INPUT_UNSUPPORTED', `input request "${key}" asks for ${JSON.stringify(method)}, which the bridge cannot relay`);
    if (this.identity().capabilities[capability] === undefined) {
      throw new BridgeError('REMOTE_INPUT_UNSUPPORTED', `the server needs ${method} but the desktop client did not declare the ${capability} capability`);
    }
  }

  private ask(request: { method: string; params?: Json }): Promise<Json> {
    const id = `mcp-bridge-input-${++this.next}`;
    const answer = new Promise<Json>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.toClient({ jsonrpc: '2.0', id, method: request.method, params: request.params ?? {} } as JSONRPCMessage);
    return answer;
  }
}
