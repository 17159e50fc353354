// Translates 2026-07-28 requests into calls on virtual session-era sessions, keeping paused calls
// until their input responses arrive.
import { randomUUID } from 'node:crypto';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  LOG_LEVEL_META_KEY,
  MissingRequiredClientCapabilityError,
  ProtocolError,
  inputRequired,
  type InputRequest,
  type ServerContext,
  type ServerNotifier,
} from '@modelcontextprotocol/server';
import type { Gateway } from '../../core/gateway.js';
import type { Session } from '../../core/sessions.js';
import type { Logger } from '../../shared/log.js';
import { ContinuationStore, type ContinuationLimits, type ContinuationToken } from './continuations.js';
import { SessionEraCall, type PendingInput } from './sessionEraCall.js';
import { VirtualSessionTransport, type RpcAnswer } from './virtualSession.js';

/** The newest session-era protocol version, which the bridge speaks to a legacy server. */
export const newestSessionEraVersion = '2025-11-25';

type Params = Record<string, unknown>;
type Envelope = Record<string, unknown>;

/** A call paused on input_required: the virtual session it runs on and what it was. */
interface Continuation {
  session: Session;
  transport: VirtualSessionTransport;
  /** Who the session's server was initialized for (capabilities and client info), for reuse. */
  client: string;
  call: SessionEraCall;
  method: string;
  name: unknown;
}

/** An initialized virtual session with nothing in flight, kept for the next request of the same kind of client. */
interface IdleSession {
  session: Session;
  transport: VirtualSessionTransport;
}

/** Idle virtual sessions kept per kind of client, and in all. */
const MAX_IDLE_PER_CLIENT = 4;
const MAX_IDLE = 16;

const capabilityOf: Record<string, string> = { 'elicitation/create': 'elicitation', 'sampling/createMessage': 'sampling', 'roots/list': 'roots' };
const logSeverity = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

/**
 * Runs 2026-07-28 requests on a session-era server: each new request gets a virtual session (a
 * synthesized initialize from the request's `_meta`, then the request), the server's requests to
 * its client become `input_required` results whose signed requestState names the paused call, and
 * a retry with inputResponses answers them and carries on. Paused calls are bounded and expire.
 */
export class SessionEraTranslator {
  private readonly continuations: ContinuationStore<Continuation>;
  private readonly idle = new Map<string, IdleSession[]>();
  private idleCount = 0;
  /** Set by the endpoint once its handler exists: list changes go to subscriptions/listen streams. */
  notifier: ServerNotifier | undefined;
  /** Called when the server says its tool list changed. */
  ontoolschanged: (() => void) | undefined;

  constructor(
    private readonly gateway: Gateway,
    limits: ContinuationLimits,
    private readonly log: Logger,
  ) {
    this.continuations = new ContinuationStore<Continuation>(limits, (continuation, why) => {
      this.log.info('dropped a paused 2026-07-28 call', { why, sessionId: continuation.session.id });
      void continuation.session.close({ code: 'SESSION_CLOSED', detail: `the call was not resumed (${why})` });
    });
  }

  /** The requestState verifier to give the SDK server (rejects forged, altered and expired states). */
  get verifyRequestState(): (state: string, ctx: ServerContext) => Promise<ContinuationToken> {
    return (state, ctx) => this.continuations.codec.verify(state, ctx);
  }

  /** Serves one request (a first call or a retry) and returns its result or an input_required result. */
  async handle(method: string, params: Params, ctx: ServerContext): Promise<Record<string, unknown>> {
    const envelope = (ctx.mcpReq.envelope ?? {}) as Envelope;
    const token = ctx.mcpReq.requestState<ContinuationToken>();
    const continuation = token === undefined ? await this.start(method, params, envelope) : this.resume(token, method, params);
    const notify = (message: JSONRPCMessage & { method: string }) => this.forward(message, envelope, ctx);
    const outcome = await continuation.call.round(ctx.mcpReq.inputResponses ?? {}, notify);
    if (outcome.kind === 'answer') {
      this.release(continuation);
      return unwrap(outcome.answer, method, params);
    }
    const missing = missingCapabilities(outcome.inputs, envelope);
    if (missing) {
      void continuation.session.close({ code: 'SESSION_CLOSED', detail: 'the client lacks a capability the server needs' });
      throw new MissingRequiredClientCapabilityError({ requiredCapabilities: missing });
    }
    const requestState = await this.continuations.put(continuation);
    const inputRequests: Record<string, InputRequest> = {};
    for (const input of outcome.inputs) inputRequests[input.key] = { method: input.method, params: input.params } as InputRequest;
    return inputRequired({ inputRequests, requestState }) as unknown as Record<string, unknown>;
  }

  /** Sends one request as the bridge itself (a client without capabilities), for what the bridge needs to know, such as the tool list. */
  async ask(method: string, params: Params): Promise<Record<string, unknown>> {
    const continuation = await this.start(method, params, {});
    const outcome = await continuation.call.round({}, () => {});
    if (outcome.kind === 'input') {
      void continuation.session.close({ code: 'SESSION_CLOSED', detail: 'the server asked the bridge for input' });
      throw new Error(`the server asked for input to answer ${method}`);
    }
    this.release(continuation);
    return unwrap(outcome.answer, method, params);
  }

  /** Drops every paused call and idle session (their sessions close with the gateway). */
  close(): void {
    this.continuations.close();
    for (const sessions of this.idle.values()) for (const { session } of sessions) void session.close({ code: 'SHUTTING_DOWN' });
    this.idle.clear();
  }

  /** Keeps a session whose call is done for the next request of the same kind of client, or closes it. */
  private release(continuation: Continuation): void {
    const sessions = this.idle.get(continuation.client) ?? [];
    if (continuation.session.relay.isEnding || continuation.session.relay.pending > 0 || sessions.length >= MAX_IDLE_PER_CLIENT || this.idleCount >= MAX_IDLE) {
      void continuation.session.close({ code: 'SESSION_CLOSED', detail: 'the call is done' });
      return;
    }
    continuation.transport.listener = undefined;
    sessions.push({ session: continuation.session, transport: continuation.transport });
    this.idle.set(continuation.client, sessions);
    this.idleCount++;
  }

  /** An idle session initialized for this kind of client, if one is still alive. */
  private reuse(client: string): IdleSession | undefined {
    const sessions = this.idle.get(client);
    while (sessions?.length) {
      const candidate = sessions.pop()!;
      this.idleCount--;
      if (!candidate.session.relay.isEnding) return candidate;
    }
    return undefined;
  }

  private resume(token: ContinuationToken, method: string, params: Params): Continuation {
    const continuation = this.continuations.take(token);
    if (!continuation) throw new ProtocolError(-32602, 'Invalid or expired requestState: the paused call has expired or was already resumed');
    if (continuation.method !== method || continuation.name !== params.name) {
      void continuation.session.close({ code: 'SESSION_CLOSED', detail: 'resumed with another request' });
      throw new ProtocolError(-32602, 'Invalid requestState: it belongs to another request');
    }
    return continuation;
  }

  /**
   * Sends the request on a virtual session initialized as the request's client would: an idle
   * one already initialized for the same capabilities and client info, else a new one.
   */
  private async start(method: string, params: Params, envelope: Envelope): Promise<Continuation> {
    const capabilities = sessionEraCapabilities(envelope[CLIENT_CAPABILITIES_META_KEY]);
    const clientInfo = (envelope[CLIENT_INFO_META_KEY] as Params | undefined) ?? { name: 'mcp-bridge-stateless-client', version: '1.0.0' };
    const client = JSON.stringify([capabilities, clientInfo]);
    const { session, transport } = this.reuse(client) ?? (await this.open(capabilities, clientInfo));
    return { session, transport, client, call: new SessionEraCall(transport, method, params, () => {}), method, name: params.name };
  }

  private async open(capabilities: Params, clientInfo: Params): Promise<IdleSession> {
    const transport = new VirtualSessionTransport();
    const session = await this.gateway.open('stateless', `stateless-${randomUUID()}`, transport);
    const init = await transport.request('initialize', { protocolVersion: newestSessionEraVersion, capabilities, clientInfo });
    if ('error' in init) {
      void session.close({ code: 'SESSION_CLOSED', detail: 'initialize failed' });
      throw new ProtocolError(init.error.code, init.error.message, init.error.data);
    }
    transport.notify('notifications/initialized');
    return { session, transport };
  }

  /** Passes a server notification on: progress to the request's stream, logs only when asked for, list changes to listeners. */
  private forward(message: JSONRPCMessage & { method: string }, envelope: Envelope, ctx: ServerContext): void {
    const params = (message as { params?: Params }).params ?? {};
    switch (message.method) {
      case 'notifications/progress':
        return void ctx.mcpReq.notify(message).catch(() => {});
      case 'notifications/message': {
        const wanted = logSeverity.indexOf(envelope[LOG_LEVEL_META_KEY] as string);
        if (wanted >= 0 && logSeverity.indexOf(params.level as string) >= wanted) void ctx.mcpReq.notify(message).catch(() => {});
        return;
      }
      case 'notifications/tools/list_changed':
        this.ontoolschanged?.();
        return this.notifier?.toolsChanged();
      case 'notifications/prompts/list_changed':
        return this.notifier?.promptsChanged();
      case 'notifications/resources/list_changed':
        return this.notifier?.resourcesChanged();
      case 'notifications/resources/updated':
        if (typeof params.uri === 'string') this.notifier?.resourceUpdated(params.uri);
        return;
    }
  }
}

/** The session-era client capabilities to declare for a 2026-07-28 client's envelope. */
function sessionEraCapabilities(declared: unknown): Params {
  const capabilities = (declared ?? {}) as Params;
  const sessionEra: Params = {};
  for (const name of ['elicitation', 'sampling', 'roots', 'experimental']) if (capabilities[name] !== undefined) sessionEra[name] = capabilities[name];
  return sessionEra;
}

/** The client capabilities the inputs need and the envelope does not declare, or undefined when all are there. */
function missingCapabilities(inputs: PendingInput[], envelope: Envelope): Params | undefined {
  const declared = (envelope[CLIENT_CAPABILITIES_META_KEY] ?? {}) as Params;
  const missing: Params = {};
  for (const input of inputs) {
    const capability = capabilityOf[input.method];
    if (capability && declared[capability] === undefined) missing[capability] = {};
  }
  return Object.keys(missing).length > 0 ? missing : undefined;
}

/** The server's answer as a result, or its error thrown; a resource miss names its URI as 2026-07-28 asks. */
function unwrap(answer: RpcAnswer, method: string, params: Params): Record<string, unknown> {
  if (!('error' in answer)) return answer.result;
  const { code, message, data } = answer.error;
  const named = method === 'resources/read' && data === undefined && typeof params.uri === 'string' ? { uri: params.uri } : data;
  throw new ProtocolError(code, message, named);
}
