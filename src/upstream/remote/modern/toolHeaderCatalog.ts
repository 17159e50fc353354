// What the remote's tools/list said about `x-mcp-header` annotations, so tool calls carry the
// headers it asks for.
import type { Logger } from '../../../shared/log.js';
import { scanHeaderDeclarations, type HeaderDeclaration } from '../../../shared/customHeaders.js';
import { paramHeaders } from './mcpHeaders.js';

/**
 * What the bridge learnt from the remote's tools/list answers about `x-mcp-header` annotations:
 * which arguments of each tool travel as `Mcp-Param-*` headers, and which tools are invalid
 * (a malformed annotation). Invalid tools are taken out of the list the desktop client sees, as the
 * spec asks of clients, and calling one anyway is refused by the bridge.
 */
export class ToolHeaderCatalog {
  private readonly declarations = new Map<string, HeaderDeclaration[]>();
  private readonly invalid = new Map<string, string>();

  constructor(private readonly log: Logger) {}

  /** Learns from one tools/list result and returns it without the invalid tools. */
  learn(result: Record<string, unknown>): Record<string, unknown> {
    if (!Array.isArray(result.tools)) return result;
    const kept = result.tools.filter((tool: unknown) => {
      const { name, inputSchema } = (tool ?? {}) as { name?: unknown; inputSchema?: unknown };
      if (typeof name !== 'string') return true;
      const scan = scanHeaderDeclarations(inputSchema);
      if (scan.valid) {
        this.invalid.delete(name);
        this.declarations.set(name, scan.declarations);
        return true;
      }
      this.declarations.delete(name);
      this.invalid.set(name, scan.reason);
      this.log.warn('the remote MCP server listed a tool with an invalid x-mcp-header; it is left out', { tool: name, reason: scan.reason });
      return false;
    });
    return kept.length === result.tools.length ? result : { ...result, tools: kept };
  }

  /** Why a tool may not be called, if it was listed invalid. */
  refusal(name: unknown): string | undefined {
    return typeof name === 'string' ? this.invalid.get(name) : undefined;
  }

  /** The `Mcp-Param-*` headers for a call (none for a tool never listed: the server then reads the body). */
  headersFor(name: unknown, args: unknown): Record<string, string> {
    const declarations = typeof name === 'string' ? this.declarations.get(name) : undefined;
    return declarations ? paramHeaders(declarations, args) : {};
  }
}
