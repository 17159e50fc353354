// The connection the client modes (inspect, chat) share: an SDK v1 Client over our own transports
// (RemoteTransport with OAuth for a URL, StdioChildTransport for a command), with hooks for what the
// server asks of the client and tells it.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  McpError,
  type ClientCapabilities,
  type Implementation,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import { createRemoteOAuth } from '../oauth/remoteAuth.js';
import { BridgeError, catalogue, type BridgeErrorCode } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { MODERN_VERSION } from '../shared/modernWire.js';
import { explainExit, StdioChildTransport } from '../upstream/child/stdioChild.js';
import { RemoteTransport } from '../upstream/remote/remote.js';
import type { ClientHooks, ClientTarget } from './options.js';

export type { ClientHooks, ClientTarget, HookContext } from './options.js';

/** How the connection is made; only `log` is required. */
export interface ClientConnectionOptions {
  /** The transports' own log (retries, child stderr); the client modes usually keep it quiet. */
  readonly log: Logger;
  /** OAuth's log, which carries "Open this URL to sign in" (default: `log`). */
  readonly oauthLog?: Logger;
  /** Who we are to the server (default: mcp-bridge with its version 0). */
  readonly clientInfo?: Implementation;
  readonly hooks?: ClientHooks;
  /** How long `initialize` may take (default 60 s, the SDK's). */
  readonly connectTimeoutMs?: number;
}

/** Which wire the connection settled on: a stdio child, or a remote's transport (`modern`: 2026-07-28). */
export type ClientWire = 'stdio' | 'streamableHttp' | 'sse' | 'modern';

/** An open connection to one MCP server. */
export interface ClientConnection {
  /** The SDK client: listTools, callTool (with `onprogress` and `signal`), readResource, getPrompt, … */
  readonly client: Client;
  readonly serverInfo: Implementation;
  /** The revision spoken on the wire: 2026-07-28 for a modern remote (translated for the SDK client), else the negotiated one. */
  readonly protocolVersion: string;
  readonly capabilities: ServerCapabilities;
  readonly instructions: string | undefined;
  readonly wire: ClientWire;
  /** Resolves when the connection ends, by close() or because the server went away. */
  readonly closed: Promise<void>;
  /** Ends the session (DELETE for Streamable HTTP) or stops the child (its whole process group); idempotent. */
  close(): Promise<void>;
}

function transportFor(target: ClientTarget, options: ClientConnectionOptions): RemoteTransport | StdioChildTransport {
  if (target.kind === 'stdio') return new StdioChildTransport(target.child, options.log);
  const auth = target.remote.oauth && createRemoteOAuth(target.remote.oauth, options.oauthLog ?? options.log);
  return new RemoteTransport(target.remote, options.log, auth);
}

function capabilitiesFor(hooks: ClientHooks): ClientCapabilities {
  return {
    ...(hooks.onSampling && { sampling: {} }),
    ...(hooks.onElicitation && { elicitation: { form: {} } }),
    ...(hooks.roots && { roots: { listChanged: false } }),
  };
}

function installHooks(client: Client, hooks: ClientHooks): void {
  const { onElicitation, onSampling, roots, onLog, onNotification } = hooks;
  if (onElicitation) client.setRequestHandler(ElicitRequestSchema, (request, extra) => onElicitation(request.params, { signal: extra.signal }));
  if (onSampling) client.setRequestHandler(CreateMessageRequestSchema, (request, extra) => onSampling(request.params, { signal: extra.signal }));
  if (roots) client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: await roots() }));
  if (onLog) client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => onLog(notification.params));
  if (onNotification) client.fallbackNotificationHandler = async (notification) => onNotification(notification);
}

/** The catalogue code an error from our transports carries in its JSON-RPC `data.reason`, if any. */
export function reasonOf(error: unknown): BridgeErrorCode | undefined {
  const reason = error instanceof McpError ? (error.data as { reason?: unknown } | undefined)?.reason : undefined;
  return typeof reason === 'string' && reason in catalogue ? (reason as BridgeErrorCode) : undefined;
}

/** One line saying why connecting failed: the transport's own catalogue error when it gave one. */
function connectFailure(error: unknown, transport: RemoteTransport | StdioChildTransport, target: ClientTarget): BridgeError {
  if (transport instanceof StdioChildTransport && transport.exit) {
    const exit = explainExit(transport.exit);
    const name = target.label ?? (target.kind === 'stdio' ? target.child.command : 'the server');
    return new BridgeError(exit.code, `${name}: ${exit.detail ?? 'no detail'}`);
  }
  // Our transports refuse a message they cannot deliver with a catalogue error of their own.
  if (error instanceof BridgeError) return error;
  const reason = reasonOf(error);
  const message = (error as Error).message.replace(/^MCP error -?\d+: /, '');
  if (reason) return new BridgeError(reason, message.startsWith(catalogue[reason].message) ? message.slice(catalogue[reason].message.length).replace(/^: /, '') : message);
  return new BridgeError('CLIENT_CONNECT_FAILED', message);
}

/**
 * Connects an SDK v1 `Client` to `target` through mcp-bridge's own transports: a URL through
 * RemoteTransport (era and transport detected as `--url` does, OAuth with the shared token store), a
 * command through StdioChildTransport (its own process group, killed on close). The hooks answer
 * sampling, elicitation and roots requests and receive log and other notifications. Rejects with a
 * BridgeError (REMOTE_UNREACHABLE, REMOTE_UNAUTHORIZED, CHILD_START_FAILED, CHILD_EXITED,
 * CLIENT_CONNECT_FAILED, …) after stopping whatever it started.
 */
export async function openClientConnection(target: ClientTarget, options: ClientConnectionOptions): Promise<ClientConnection> {
  const hooks = options.hooks ?? {};
  const client = new Client(options.clientInfo ?? { name: 'mcp-bridge', version: '0' }, { capabilities: capabilitiesFor(hooks) });
  installHooks(client, hooks);
  const transport = transportFor(target, options);
  let negotiated: string | undefined;
  // The SDK tells the transport the negotiated version; ours learn it by themselves, so this only records it.
  (transport as Transport).setProtocolVersion = (version) => (negotiated = version);
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  client.onclose = () => markClosed();
  const close = async (): Promise<void> => {
    await client.close().catch(() => {});
    await transport.close().catch(() => {});
    markClosed();
  };
  try {
    await client.connect(transport, { timeout: options.connectTimeoutMs ?? 60_000 });
  } catch (error) {
    await close();
    throw connectFailure(error, transport, target);
  }
  const modern = transport instanceof RemoteTransport && transport.protocolEra === 'modern';
  return {
    client,
    serverInfo: client.getServerVersion() ?? { name: 'unknown', version: 'unknown' },
    protocolVersion: modern ? MODERN_VERSION : negotiated ?? 'unknown',
    capabilities: client.getServerCapabilities() ?? {},
    instructions: client.getInstructions(),
    wire: transport instanceof StdioChildTransport ? 'stdio' : modern ? 'modern' : transport.transportKind,
    closed,
    close,
  };
}
