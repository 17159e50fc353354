/** Real SDK clients (Client + StreamableHTTPClientTransport / SSEClientTransport) connected to a running bridge. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';

export type TransportKind = 'streamable-http' | 'sse';
export const TRANSPORTS: readonly TransportKind[] = ['streamable-http', 'sse'];

export interface ConnectedClient {
  client: Client;
  kind: TransportKind;
  /** Errors the client or its transport reported (onerror); tests can assert on them. */
  errors: Error[];
  /** Ends the session the way a client of this transport does: DELETE /mcp then close, or drop the SSE stream. */
  close(): Promise<void>;
}

/**
 * Creates a client, lets `setup` register its handlers (before connecting, so capabilities and handlers are in place
 * when the server's first requests arrive), and connects it to `baseUrl` over `kind`.
 */
export async function connectClient(
  baseUrl: string,
  kind: TransportKind,
  {
    name = `test-client-${kind}`,
    capabilities = {},
    setup,
  }: { name?: string; capabilities?: ClientCapabilities; setup?: (client: Client) => void } = {},
): Promise<ConnectedClient> {
  const client = new Client({ name, version: '1.0.0' }, { capabilities });
  const errors: Error[] = [];
  client.onerror = (error) => errors.push(error);
  setup?.(client);
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
