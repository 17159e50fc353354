import { HEADER_MISMATCH, mcpNameOf } from '../core/modernWire.js';

export { HEADER_MISMATCH } from '../core/modernWire.js';

/** A header mismatch: the JSON-RPC error to answer with HTTP 400. */
export interface HeaderMismatch {
  code: number;
  message: string;
  data: { mismatch: { header: string; body: string } };
}

function mismatch(header: string, expected: string, got: string | null): HeaderMismatch {
  const detail = got === null ? `${header} is missing (the body says ${JSON.stringify(expected)})` : `${header} says ${JSON.stringify(got)}, the body ${JSON.stringify(expected)}`;
  return { code: HEADER_MISMATCH, message: `Bad Request: the request headers and body disagree: ${detail}`, data: { mismatch: { header, body: expected } } };
}

/**
 * Checks the standard request headers of a 2026-07-28 request against its body: `Mcp-Method`
 * must equal the method, and `Mcp-Name` the tool or prompt name or resource URI the body names.
 * Header names are case-insensitive (Headers does that); values are compared exactly after
 * trimming surrounding whitespace. Returns the mismatch, or undefined when they agree.
 */
export function checkStandardHeaders(headers: Headers, method: string, params: Record<string, unknown> | undefined): HeaderMismatch | undefined {
  const methodHeader = headers.get('mcp-method')?.trim() ?? null;
  if (methodHeader !== method) return mismatch('Mcp-Method', method, methodHeader);
  const value = mcpNameOf(method, params);
  if (value === undefined) return undefined;
  const nameHeader = headers.get('mcp-name')?.trim() ?? null;
  return nameHeader === value ? undefined : mismatch('Mcp-Name', value, nameHeader);
}
