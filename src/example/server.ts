#!/usr/bin/env node
/**
 * A small stdio MCP server bundled for `npm start` and the README's examples: an echo tool, an
 * add tool, a countdown tool with progress, a text resource and a greeting prompt.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'mcp-bridge-example', version: '1.0.0' });

server.registerTool('echo', { description: 'Echoes its text back', inputSchema: { text: z.string() } }, ({ text }) => ({
  content: [{ type: 'text', text }],
}));

server.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } }, ({ a, b }) => ({
  content: [{ type: 'text', text: String(a + b) }],
}));

server.registerTool(
  'countdown',
  { description: 'Counts down from n, reporting progress', inputSchema: { n: z.number().int().min(1).max(100) } },
  async ({ n }, extra) => {
    const token = extra._meta?.progressToken;
    for (let step = 1; step <= n; step++) {
      if (token !== undefined) {
        await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: step, total: n } });
      }
    }
    return { content: [{ type: 'text', text: 'liftoff' }] };
  },
);

server.registerResource('readme', 'example://readme', { mimeType: 'text/plain' }, (uri) => ({
  contents: [{ uri: uri.href, text: 'This server is bundled with mcp-bridge as an example.' }],
}));

server.registerPrompt('greet', { description: 'Greets someone', argsSchema: { name: z.string() } }, ({ name }) => ({
  messages: [{ role: 'user', content: { type: 'text', text: `Say hello to ${name}.` } }],
}));

await server.connect(new StdioServerTransport());
