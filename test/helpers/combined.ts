/** Gateway configs and SDK clients for the combined endpoint's tests (gateway mode's root /mcp and /sse). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { fixturePath, repoRoot } from './paths.js';

/** The path of a published MCP server's entry point in node_modules. */
export const published = (name: string): string => join(repoRoot, 'node_modules', '@modelcontextprotocol', name, 'dist', 'index.js');

/** Config entries of the servers the combined tests use. */
export const entries = {
  fixture: { command: process.execPath, args: [fixturePath('test-server')] },
  example: { command: process.execPath, args: [join(repoRoot, 'dist', 'example', 'server.js')] },
  everything: { command: process.execPath, args: [published('server-everything'), 'stdio'] },
  files: (dir: string) => ({ command: process.execPath, args: [published('server-filesystem'), dir] }),
};

/** Writes a gateway config file `name` into `dir` and returns its path. */
export function writeConfig(dir: string, content: unknown, name = 'mcp.json'): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content, null, 2));
  return path;
}

export type CombinedTransport = 'streamable-http' | 'sse';

/** An SDK client on the combined endpoint (root /mcp or /sse) of the gateway at `base`; `setup` registers handlers before connecting. */
export async function connectCombined(
  base: string,
  transport: CombinedTransport = 'streamable-http',
  { capabilities = {}, setup, name = 'combined-test' }: { capabilities?: ClientCapabilities; setup?: (client: Client) => void; name?: string } = {},
): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' }, { capabilities });
  setup?.(client);
  await client.connect(transport === 'sse' ? new SSEClientTransport(new URL('/sse', base)) : new StreamableHTTPClientTransport(new URL('/mcp', base)));
  return client;
}

/** The capabilities recordingHandlers.ts answers for. */
export const allClientCapabilities: ClientCapabilities = { sampling: {}, elicitation: {}, roots: {} };

/** Ends a client's session the way it would: DELETE for Streamable HTTP (else the session waits for its idle timeout), then close. */
export async function closeCombined(client: Client): Promise<void> {
  const transport = client.transport;
  if (transport instanceof StreamableHTTPClientTransport) await transport.terminateSession().catch(() => {});
  await client.close();
}

/** Every page of a list, following the combined endpoint's cursors. */
export async function everyPage<T>(list: (cursor: string | undefined) => Promise<{ nextCursor?: string } & Record<string, unknown>>, field: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    items.push(...(page[field] as T[]));
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}
