/** Real SDK clients (Client + StreamableHTTPClientTransport / SSEClientTransport) connected to a running bridge. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { cliPath } from './paths.js';

export type TransportKind = 'streamable-http' | 'sse';
export const TRANSPORTS: readonly TransportKind[] = ['streamable-http', 'sse'];

/**
 * A desktop-style client reaching an HTTP MCP server (a forward bridge, or the SDK-built remote
 * server fixture) through mcp-bridge in reverse mode, spawned over stdio with one of its remote flags:
 * `--streamableHttp URL/mcp`, `--sse URL/sse`, `--url URL/mcp` (detected as Streamable HTTP), or
 * `--url URL/sse`, which must detect that /sse is not Streamable HTTP and fall back.
 */
export type ReverseKind = 'reverse --streamableHttp' | 'reverse --sse' | 'reverse --url (Streamable HTTP)' | 'reverse --url (fallback to SSE)';
/** The reverse kinds the forward-bridge chain tests use. */
export const REVERSE_KINDS: readonly ReverseKind[] = ['reverse --streamableHttp', 'reverse --sse', 'reverse --url (fallback to SSE)'];
/** Every reverse kind: the tests against the SDK-built remote server use them all. */
export const ALL_REVERSE_KINDS: readonly ReverseKind[] = [...REVERSE_KINDS, 'reverse --url (Streamable HTTP)'];

function reverseArgs(baseUrl: string, kind: ReverseKind): string[] {
  if (kind === 'reverse --streamableHttp') return ['--streamableHttp', new URL('/mcp', baseUrl).href];
  if (kind === 'reverse --sse') return ['--sse', new URL('/sse', baseUrl).href];
  if (kind === 'reverse --url (Streamable HTTP)') return ['--url', new URL('/mcp', baseUrl).href];
  return ['--url', new URL('/sse', baseUrl).href];
}

export interface ConnectedClient {
  client: Client;
  kind: TransportKind | ReverseKind;
  /** Errors the client or its transport reported (onerror); tests can assert on them. */
  errors: Error[];
  /** For reverse kinds: the pid of the reverse mcp-bridge process the client spawned. */
  pid?: number;
  /** Ends the session the way a client of this transport does: DELETE /mcp then close, or drop the SSE stream. */
  close(): Promise<void>;
}

/**
 * Creates a client, lets `setup` register its handlers (before connecting, so capabilities and handlers are in place
 * when the server's first requests arrive), and connects it to `baseUrl` over `kind`.
 */
export async function connectClient(
  baseUrl: string,
  kind: TransportKind | ReverseKind,
  {
    name = `test-client-${kind}`,
    capabilities = {},
    setup,
    reverseArgs: extraReverseArgs = [],
  }: { name?: string; capabilities?: ClientCapabilities; setup?: (client: Client) => void; reverseArgs?: string[] } = {},
): Promise<ConnectedClient> {
  const client = new Client({ name, version: '1.0.0' }, { capabilities });
  const errors: Error[] = [];
  client.onerror = (error) => errors.push(error);
  setup?.(client);
  if (kind.startsWith('reverse')) {
    const transport = new StdioClientTransport({ command: process.execPath, args: [cliPath, ...reverseArgs(baseUrl, kind as ReverseKind), ...extraReverseArgs], stderr: 'ignore' });
    await client.connect(transport);
    return { client, kind, errors, pid: transport.pid ?? undefined, close: () => client.close() };
  }
  if (kind === 'streamable-http') {
    const transport = new StreamableHTTPClientTransport(new URL('/mcp', baseUrl));
    await client.connect(transport);
    return {
      client,
      kind,
      errors,
      close: async () => {
        try {
          await transport.terminateSession();
        } finally {
          await client.close();
        }
      },
    };
  }
  const transport = new SSEClientTransport(new URL('/sse', baseUrl));
  await client.connect(transport);
  return { client, kind, errors, close: () => client.close() };
}

/** The text of the first text block of a tools/call result. */
export function firstText(result: object): string {
  const blocks = ((result as { content?: unknown }).content ?? []) as Array<{ type: string; text?: string }>;
  const block = blocks.find((b) => b.type === 'text');
  if (!block?.text && block?.text !== '') throw new Error(`no text content in ${JSON.stringify(result)}`);
  return block.text;
}

/** An SDK client connected to `url` over Streamable HTTP, or legacy SSE when `transport` says so (default: Streamable HTTP). */
export async function connectUrl(url: string | URL, { name = 'test-client', transport = 'streamable-http' }: { name?: string; transport?: TransportKind } = {}): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' });
  const target = new URL(url);
  await client.connect(transport === 'sse' ? new SSEClientTransport(target) : new StreamableHTTPClientTransport(target));
  return client;
}

/** An SDK client connected to server `server` of the gateway at `base`, on its /servers/NAME/mcp or /sse route. */
export function connectServer(base: string, server: string, transport: TransportKind = 'streamable-http'): Promise<Client> {
  return connectUrl(new URL(`/servers/${server}/${transport === 'sse' ? 'sse' : 'mcp'}`, base), { name: `gateway-test-${server}`, transport });
}
