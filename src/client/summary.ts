// What a server is and offers (identity, capabilities, tools, prompts, resources, templates), gathered
// over a client connection and rendered for a terminal or as JSON.
import type { Prompt, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import { typesOf } from './arguments.js';
import type { ClientConnection } from './connection.js';

/** Everything `inspect` shows about a server; also its `--json` form. */
export interface ServerSummary {
  serverInfo: ClientConnection['serverInfo'];
  protocolVersion: string;
  transport: ClientConnection['wire'];
  capabilities: ClientConnection['capabilities'];
  instructions?: string;
  tools: Tool[];
  prompts: Prompt[];
  resources: Resource[];
  resourceTemplates: ResourceTemplate[];
}

/** Every page of a paginated list. */
async function allPages<T>(list: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** The server's tools (every page); none when it has no tools capability. */
export function listTools(connection: ClientConnection): Promise<Tool[]> {
  if (!connection.capabilities.tools) return Promise.resolve([]);
  return allPages(async (cursor) => {
    const page = await connection.client.listTools(cursor ? { cursor } : undefined);
    return { items: page.tools, nextCursor: page.nextCursor };
  });
}

/** The server's prompts (every page); none without the prompts capability. */
export function listPrompts(connection: ClientConnection): Promise<Prompt[]> {
  if (!connection.capabilities.prompts) return Promise.resolve([]);
  return allPages(async (cursor) => {
    const page = await connection.client.listPrompts(cursor ? { cursor } : undefined);
    return { items: page.prompts, nextCursor: page.nextCursor };
  });
}

/** The server's resources and resource templates (every page); none without the resources capability. */
export async function listResources(connection: ClientConnection): Promise<{ resources: Resource[]; resourceTemplates: ResourceTemplate[] }> {
  if (!connection.capabilities.resources) return { resources: [], resourceTemplates: [] };
  const [resources, resourceTemplates] = await Promise.all([
    allPages(async (cursor) => {
      const page = await connection.client.listResources(cursor ? { cursor } : undefined);
      return { items: page.resources, nextCursor: page.nextCursor };
    }),
    allPages(async (cursor) => {
      const page = await connection.client.listResourceTemplates(cursor ? { cursor } : undefined);
      return { items: page.resourceTemplates, nextCursor: page.nextCursor };
    }),
  ]);
  return { resources, resourceTemplates };
}

/** Asks the server for everything it offers. */
export async function gatherSummary(connection: ClientConnection): Promise<ServerSummary> {
  const [tools, prompts, { resources, resourceTemplates }] = await Promise.all([listTools(connection), listPrompts(connection), listResources(connection)]);
  return {
    serverInfo: connection.serverInfo,
    protocolVersion: connection.protocolVersion,
    transport: connection.wire,
    capabilities: connection.capabilities,
    ...(connection.instructions !== undefined && { instructions: connection.instructions }),
    tools,
    prompts,
    resources,
    resourceTemplates,
  };
}

const MAX_DESCRIPTION = 100;

/** The first line of a description, cut to one terminal line. */
export function oneLine(text: string | undefined): string {
  const line = (text ?? '').trim().split('\n')[0]!.trim();
  return line.length > MAX_DESCRIPTION ? `${line.slice(0, MAX_DESCRIPTION - 1)}…` : line;
}

const wireNames: Record<ClientConnection['wire'], string> = { stdio: 'stdio', streamableHttp: 'Streamable HTTP', sse: 'legacy SSE', modern: 'Streamable HTTP (stateless)' };

/** `name: type (required)` for each argument of a tool, from its input schema. */
export function toolArgumentLines(tool: Tool): string[] {
  const properties = (tool.inputSchema.properties ?? {}) as Record<string, { description?: string; enum?: unknown[] }>;
  const required = new Set(tool.inputSchema.required ?? []);
  return Object.entries(properties).map(([name, schema]) => {
    const choices = Array.isArray(schema.enum) ? ` (one of ${schema.enum.map((value) => JSON.stringify(value)).join(', ')})` : '';
    const type = (typesOf(schema as Parameters<typeof typesOf>[0]).join(' | ') || 'any') + choices;
    const description = oneLine(schema.description);
    return `${name}: ${type}${required.has(name) ? ' (required)' : ''}${description ? `  ${description}` : ''}`;
  });
}

function capabilityLine(capabilities: ServerSummary['capabilities']): string {
  return Object.entries(capabilities).map(([name, value]) => {
    const flags = value && typeof value === 'object' ? Object.keys(value).filter((key) => (value as Record<string, unknown>)[key] === true) : [];
    return flags.length > 0 ? `${name} (${flags.join(', ')})` : name;
  }).join(', ') || 'none';
}

function section<T>(title: string, items: T[], lines: (item: T) => string[]): string[] {
  if (items.length === 0) return [];
  return ['', `${title} (${items.length}):`, ...items.flatMap((item) => lines(item).map((line, index) => `${index === 0 ? '  ' : '      '}${line}`))];
}

/** The summary as text for a terminal: identity, capabilities, instructions, then each list. */
export function renderSummary(summary: ServerSummary): string {
  const { serverInfo } = summary;
  const title = serverInfo.title && serverInfo.title !== serverInfo.name ? ` (${serverInfo.title})` : '';
  const lines = [
    `${serverInfo.name} ${serverInfo.version}${title}`,
    `protocol ${summary.protocolVersion} over ${wireNames[summary.transport]}`,
    `capabilities: ${capabilityLine(summary.capabilities)}`,
  ];
  if (summary.instructions) lines.push('instructions:', ...summary.instructions.trim().split('\n').map((line) => `  ${line}`));
  lines.push(
    ...section('tools', summary.tools, (tool) => [`${tool.name}  ${oneLine(tool.description)}`.trimEnd(), ...toolArgumentLines(tool)]),
    ...section('prompts', summary.prompts, (prompt) => [
      `${prompt.name}  ${oneLine(prompt.description)}`.trimEnd(),
      ...(prompt.arguments ?? []).map((argument) => `${argument.name}${argument.required ? ' (required)' : ''}${argument.description ? `  ${oneLine(argument.description)}` : ''}`),
    ]),
    ...section('resources', summary.resources, (resource) => [[resource.uri, resource.name, resource.mimeType && `(${resource.mimeType})`].filter(Boolean).join('  ')]),
    ...section('resource templates', summary.resourceTemplates, (template) => [[template.uriTemplate, template.name, oneLine(template.description)].filter(Boolean).join('  ')]),
  );
  return `${lines.join('\n')}\n`;
}
