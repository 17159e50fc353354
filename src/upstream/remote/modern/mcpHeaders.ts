/**
 * The HTTP headers a 2026-07-28 request carries besides its body (spec: Streamable HTTP, "Standard
 * MCP request headers" and "Custom headers from tool parameters", SEP-2243): `Mcp-Method`, `Mcp-Name`
 * and one `Mcp-Param-{Name}` per tool argument whose schema property is annotated `x-mcp-header`.
 */

import { argumentAt, encodeHeaderValue, headerText, PARAM_HEADER_PREFIX, type HeaderDeclaration } from '../../../shared/customHeaders.js';
import { mcpNameOf } from '../../../shared/modernWire.js';

/** The `Mcp-Param-*` headers for one call; null, absent and non-primitive arguments get none. */
export function paramHeaders(declarations: readonly HeaderDeclaration[], args: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { path, headerName } of declarations) {
    const text = headerText(argumentAt(args, path));
    if (text !== undefined) headers[`${PARAM_HEADER_PREFIX}${headerName}`] = encodeHeaderValue(text);
  }
  return headers;
}

/** `Mcp-Method` for every message with a method, and `Mcp-Name` for the methods that name a tool, prompt or resource. */
export function standardHeaders(method: string, params: Record<string, unknown> | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'Mcp-Method': method };
  const name = mcpNameOf(method, params);
  if (name !== undefined) headers['Mcp-Name'] = encodeHeaderValue(name);
  return headers;
}
