#!/usr/bin/env node
/**
 * The benchmark's stdio MCP server, reached both directly and through the gateway. Its tools do as
 * little as possible, so what the benchmark sees is transport cost: `echo` returns its `token`,
 * `sleep` waits `ms`, `progress` sends `count` progress notifications then answers, `blob` returns
 * a text of `bytes` bytes.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';

const server = new Server({ name: 'bench-server', version: '1.0.0' }, { capabilities: { tools: {} } });
const numberArg = { type: 'object', properties: {} } as const;
const tools = [
  { name: 'echo', description: 'Returns its token', inputSchema: { type: 'object', properties: { token: { type: 'string' } } } },
  { name: 'sleep', description: 'Waits ms milliseconds', inputSchema: numberArg },
  { name: 'progress', description: 'Sends count progress notifications, then answers', inputSchema: numberArg },
  { name: 'blob', description: 'Returns a text of bytes bytes', inputSchema: numberArg },
];

const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });
// One blob per size: building a 16 MiB string once keeps the server's own cost out of repeated calls.
const blobs = new Map<number, string>();

server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
  const args = (request.params.arguments ?? {}) as Record<string, unknown>;
  const number = (key: string): number => Math.max(0, Math.min(Number(args[key] ?? 0), 64 * 1024 * 1024));
  switch (request.params.name) {
    case 'echo':
      return text(String(args.token ?? ''));
    case 'sleep':
      await new Promise((resolve) => setTimeout(resolve, number('ms')));
      return text(String(args.token ?? 'slept'));
    case 'progress': {
      const progressToken = request.params._meta?.progressToken;
      const count = number('count');
      for (let i = 1; progressToken !== undefined && i <= count; i++) {
        await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: i, total: count } });
      }
      return text(String(args.token ?? count));
    }
    case 'blob': {
      const bytes = number('bytes');
      if (!blobs.has(bytes)) blobs.set(bytes, 'x'.repeat(bytes));
      return text(blobs.get(bytes)!);
    }
    default:
      return { ...text(`unknown tool ${request.params.name}`), isError: true };
  }
});

// Exit as soon as the client (or gateway) closes our stdin, so no server outlives its session.
process.stdin.once('end', () => process.exit(0));
process.stdout.on('error', () => process.exit(0));
await server.connect(new StdioServerTransport());
