// Serves 2026-07-28 requests from a session-era server: the capabilities it can offer and the
// handler that translates each request.
import { Server, createMcpHandler, type McpHttpHandler, type RequestMethod } from '@modelcontextprotocol/server';
import type { Gateway } from '../../core/gateway.js';
import type { Logger } from '../../shared/log.js';
import type { ContinuationLimits } from './continuations.js';
import { SessionEraTranslator } from './sessionEraTranslator.js';
import { ParamHeaderGate } from './paramHeaderGate.js';
import { checkStandardHeaders, type HeaderMismatch } from './headers.js';

type Result = Record<string, unknown>;

/** The requests a session-era server with these capabilities can serve to 2026-07-28 clients. */
function servedMethods(capabilities: Result): string[] {
  const methods: string[] = [];
  if (capabilities.tools) methods.push('tools/list', 'tools/call');
  if (capabilities.prompts) methods.push('prompts/list', 'prompts/get');
  if (capabilities.resources) methods.push('resources/list', 'resources/read', 'resources/templates/list');
  if (capabilities.completions) methods.push('completion/complete');
  return methods;
}

/**
 * What a session-era server advertises, as 2026-07-28 discovery: resource subscriptions are gone
 * from that revision (changes reach clients through subscriptions/listen, which the SDK serves from
 * the translator's notifications). `logging` stays: the SDK sends no log message without it.
 */
export function modernCapabilities(capabilities: Result): Result {
  const { resources, ...rest } = capabilities;
  if (!resources) return rest;
  const { subscribe: _subscribe, ...resourceRest } = resources as Result;
  return { ...rest, resources: resourceRest };
}

/** Options of the 2026-07-28 face of a session-era server. */
export interface SessionEraHandlerOptions {
  /** The server's own initialize result (serverInfo, capabilities, instructions). */
  initialize: Result;
  continuations: ContinuationLimits;
  keepaliveMs: number;
}

/** The 2026-07-28 face of a session-era server: the SDK's handler, and the bridge's own Mcp-Param check to run first. */
export interface SessionEraFace {
  handler: McpHttpHandler;
  /** The refusal for a tools/call whose `Mcp-Param-*` headers disagree with its arguments, else undefined. */
  paramRefusal(request: Request, body: unknown): Promise<HeaderMismatch | undefined>;
  close(): void;
}

/**
 * The SDK's 2026-07-28 HTTP handler (header and `_meta` validation, server/discover, removed
 * methods, cache hints, subscriptions/listen, requestState verification), with one fresh SDK server
 * per request whose handlers hand every request to the SessionEraTranslator. The SDK checks
 * `Mcp-Param-*` headers only for its own McpServer's tools, so the bridge checks them itself
 * against the tools the server lists (see ParamHeaderGate).
 */
export function sessionEraHandler(gateway: Gateway, options: SessionEraHandlerOptions, log: Logger): SessionEraFace {
  const translator = new SessionEraTranslator(gateway, options.continuations, log);
  const gate = new ParamHeaderGate((cursor) => translator.ask('tools/list', cursor === undefined ? {} : { cursor }), log);
  translator.ontoolschanged = () => gate.markStale();
  const { serverInfo, capabilities = {}, instructions } = options.initialize as { serverInfo: { name: string; version: string }; capabilities?: Result; instructions?: string };
  const factory = () => {
    const server = new Server(serverInfo, {
      capabilities: modernCapabilities(capabilities),
      ...(instructions !== undefined && { instructions }),
      requestState: { verify: translator.verifyRequestState },
    });
    for (const method of servedMethods(capabilities)) {
      server.setRequestHandler(method as RequestMethod, (async (request: { params?: Result }, ctx: Parameters<SessionEraTranslator['handle']>[2]) => {
        const result = await translator.handle(method, request.params ?? {}, ctx);
        if (method === 'tools/list') gate.learn(request.params, result);
        return result;
      }) as never);
    }
    return server;
  };
  const handler = createMcpHandler(factory, {
    legacy: 'reject',
    keepAliveMs: options.keepaliveMs,
    onerror: (error) => log.debug('2026-07-28 request refused or failed', { error: error.message }),
  });
  translator.notifier = handler.notify;
  return {
    handler,
    paramRefusal: async (request, body) => {
      const { method, params } = (body ?? {}) as { method?: unknown; params?: Result };
      // Anything the SDK refuses anyway (a wrong Mcp-Method or Mcp-Name) is left to it, so its answer comes first.
      if (method !== 'tools/call' || checkStandardHeaders(request.headers, method, params)) return undefined;
      return gate.refusal(request.headers, method, params);
    },
    close: () => {
      translator.close();
      void handler.close();
    },
  };
}
