/**
 * Facts of the 2026-07-28 HTTP binding that both directions need: the reverse bridge writes the
 * standard headers, the forward bridge checks them, and both must agree on what they mirror.
 */

/** The JSON-RPC code of a request whose standard headers disagree with its body (answered with HTTP 400). */
export const HEADER_MISMATCH = -32020;

/** Which request parameter `Mcp-Name` mirrors, per method; methods not listed carry no `Mcp-Name`. */
const nameSources: Readonly<Record<string, string>> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

/** The value `Mcp-Name` must carry for this request: the tool or prompt name or resource URI; undefined when there is none. */
export function mcpNameOf(method: string, params: Record<string, unknown> | undefined): string | undefined {
  const source = nameSources[method];
  const value = source === undefined ? undefined : params?.[source];
  return typeof value === 'string' ? value : undefined;
}
