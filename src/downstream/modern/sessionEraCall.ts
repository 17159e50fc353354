// One 2026-07-28 call run on a session-era server: the server's own requests become input_required
// rounds, and input responses answer them.
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { RpcAnswer, VirtualSessionTransport } from './virtualSession.js';

/**
 * The `_meta` key a session-era server may put on a server-to-client request to name its
 * input request (e.g. "user_name"); without it the bridge names them `<kind>-<n>`.
 */
export const INPUT_KEY_META = 'mcp-bridge/inputKey';

/** Server requests arriving within this long of each other go out in one input_required result. */
const GATHER_MS = 25;

/** One server-to-client request the client must answer, as an input request. */
export interface PendingInput {
  key: string;
  id: RequestId;
  method: string;
  params: Record<string, unknown>;
}

/** How a round ended: the server's answer, or requests only the client can answer. */
export type RoundOutcome = { kind: 'answer'; answer: RpcAnswer } | { kind: 'input'; inputs: PendingInput[] };

type ServerRequest = JSONRPCMessage & { id: RequestId; method: string; params?: Record<string, unknown> };

const shortNames: Record<string, string> = { 'elicitation/create': 'elicitation', 'sampling/createMessage': 'sampling', 'roots/list': 'roots' };

/** Whether `value` can be the client's answer to a `method` request (anything else counts as missing). */
export function isInputResponse(method: string, value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const response = value as Record<string, unknown>;
  if (method === 'elicitation/create') return ['accept', 'decline', 'cancel'].includes(response.action as string);
  if (method === 'sampling/createMessage') return typeof response.role === 'string' && typeof response.content === 'object';
  if (method === 'roots/list') return Array.isArray(response.roots);
  return true;
}

/**
 * One client request running on a session-era server through a virtual session, across as many
 * input_required rounds as the server needs: each round answers the server's pending requests
 * from the client's inputResponses and waits until the server answers the call or asks the
 * client something it has no answer for yet.
 */
export class SessionEraCall {
  private readonly pending = new Map<string, PendingInput>();
  private readonly answer: Promise<RpcAnswer>;
  private counter = 0;
  private wake: (() => void) | undefined;
  private responses: Record<string, unknown> = {};

  constructor(
    private readonly transport: VirtualSessionTransport,
    method: string,
    params: Record<string, unknown>,
    /** Where the server's notifications go while a round runs. */
    private notify: (message: JSONRPCMessage & { method: string }) => void,
  ) {
    transport.listener = { request: (message) => this.serverRequest(message as ServerRequest), notification: (message) => this.notify(message) };
    this.answer = transport.request(method, params);
  }

  /** Runs one round with this retry's inputResponses (`{}` on the first) and notification sink. */
  async round(inputResponses: Record<string, unknown>, notify: (message: JSONRPCMessage & { method: string }) => void): Promise<RoundOutcome> {
    this.notify = notify;
    this.responses = inputResponses;
    for (const input of [...this.pending.values()]) this.tryAnswer(input);
    for (;;) {
      const woken = new Promise<void>((resolve) => (this.wake = resolve));
      const settled = await Promise.race([this.answer.then((answer) => ({ answer })), woken.then(() => undefined)]);
      if (settled) return { kind: 'answer', answer: settled.answer };
      if (this.pending.size > 0) {
        await this.gather();
        if (this.pending.size > 0) return { kind: 'input', inputs: [...this.pending.values()] };
      }
    }
  }

  /** Waits until no new server request has arrived for GATHER_MS, so that requests sent together go out together. */
  private async gather(): Promise<void> {
    let before: number;
    do {
      before = this.pending.size;
      await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
    } while (this.pending.size !== before);
  }

  private serverRequest(message: ServerRequest): void {
    if (message.method === 'ping') return this.transport.answer(message.id, { result: {} });
    const { _meta, ...rest } = message.params ?? {};
    const { [INPUT_KEY_META]: hint, ...meta } = (_meta ?? {}) as Record<string, unknown>;
    const params = Object.keys(meta).length > 0 ? { ...rest, _meta: meta } : rest;
    const key = typeof hint === 'string' && hint !== '' && !this.pending.has(hint) ? hint : this.freshKey(message.method);
    const input = { key, id: message.id, method: message.method, params };
    this.pending.set(key, input);
    if (!this.tryAnswer(input)) this.wake?.();
  }

  private freshKey(method: string): string {
    let key: string;
    do key = `${shortNames[method] ?? 'input'}-${++this.counter}`;
    while (this.pending.has(key));
    return key;
  }

  /** Answers a pending server request from the client's inputResponses, if they hold a usable answer. */
  private tryAnswer(input: PendingInput): boolean {
    const response = this.responses[input.key];
    if (!isInputResponse(input.method, response)) return false;
    this.pending.delete(input.key);
    delete this.responses[input.key];
    this.transport.answer(input.id, { result: response });
    return true;
  }
}
