// The tools of every server of a chat as the Messages API takes them (name, description, input
// schema), listed when first needed and again after a server says its list changed.
import type { Tool as ApiTool } from '@anthropic-ai/sdk/resources/messages';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { listTools } from '../summary.js';
import type { ChatConnection } from './servers.js';
import { ToolNames } from './toolNames.js';

/** A name Claude used, resolved: the server to call and the tool's own name there. */
export interface ToolTarget {
  readonly server: ChatConnection;
  readonly tool: string;
}

function apiTool(name: string, tool: Tool): ApiTool {
  const description = [tool.title && tool.title !== tool.name ? tool.title : undefined, tool.description].filter(Boolean).join(': ');
  // The MCP schema is JSON Schema with type "object", which is what input_schema is.
  return { name, ...(description && { description }), input_schema: tool.inputSchema as ApiTool['input_schema'] };
}

/**
 * Every tool of every server, named for the API (`SERVER__TOOL` with several servers, with the
 * config file's separator). `forget()` (on tools/list_changed) makes the next `tools()` list again.
 */
export class ToolCatalogue {
  private listing: Promise<{ tools: ApiTool[]; names: ToolNames }> | undefined;

  constructor(
    private readonly servers: readonly ChatConnection[],
    private readonly separator: string,
  ) {}

  /** The tools for the next API request; a server whose listing fails is left out, and `onFailure` told why. */
  async tools(onFailure: (line: string) => void = () => {}): Promise<ApiTool[]> {
    return (await this.list(onFailure)).tools;
  }

  /** The server and tool behind a name Claude used (undefined for one it made up). */
  async resolve(name: string): Promise<ToolTarget | undefined> {
    const route = (await this.list()).names.route(name);
    return route && { server: this.servers[route.server]!, tool: route.tool };
  }

  /** Lists again before the next request (a server changed its tools). */
  forget(): void {
    this.listing = undefined;
  }

  private list(onFailure: (line: string) => void = () => {}): Promise<{ tools: ApiTool[]; names: ToolNames }> {
    this.listing ??= (async () => {
      const names = new ToolNames(this.separator, this.servers.length > 1);
      const lists = await Promise.all(this.servers.map((server) => listTools(server.connection).catch((error: Error) => {
        onFailure(`${server.name}: cannot list its tools: ${error.message}`);
        return [] as Tool[];
      })));
      const tools = lists.flatMap((list, index) => list.map((tool) => apiTool(names.add(index, this.servers[index]!.name, tool.name), tool)));
      return { tools, names };
    })();
    return this.listing;
  }
}
