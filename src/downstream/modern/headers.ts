/**
 * What the forward bridge checks of a 2026-07-28 request's headers against its body (SEP-2243):
 * the standard `Mcp-Method` and `Mcp-Name`, and the `Mcp-Param-*` headers a tool's `x-mcp-header`
 * annotations call for.
 */
import { argumentAt, decodeHeaderValue, headerText, PARAM_HEADER_PREFIX, type HeaderDeclaration } from '../../shared/customHeaders.js';
import { mcpNameOf } from '../../shared/modernWire.js';
import { rpcError, type BridgeErrorCode } from '../../shared/errors.js';

export { HEADER_MISMATCH } from '../../shared/modernWire.js';

/** A refused header: the JSON-RPC error (code -32020) to answer with HTTP 400. */
export interface HeaderMismatch {
  code: number;
  message: string;
  data: { reason: BridgeErrorCode; mismatch: { header: string; body: string } };
}

function refuse(reason: 'HEADER_MISMATCH' | 'HEADER_MALFORMED', header: string, expected: string, detail: string): HeaderMismatch {
  const { code, message } = rpcError(reason, detail);
  return { code, message, data: { reason, mismatch: { header, body: expected } } };
}

function mismatch(header: string, expected: string, got: string | null): HeaderMismatch {
  const detail = got === null ? `${header} is missing (the body says ${JSON.stringify(expected)})` : `${header} says ${JSON.stringify(got)}, the body ${JSON.stringify(expected)}`;
  return refuse('HEADER_MISMATCH', header, expected, detail);
}

function malformed(header: string, expected: string): HeaderMismatch {
  return refuse('HEADER_MALFORMED', header, expected, `${header} holds characters a header value may not, or a broken =?base64?…?= value`);
}

/**
 * Checks the standard request headers of a 2026-07-28 request against its body: `Mcp-Method`
 * must equal the method, and `Mcp-Name` (decoded when `=?base64?…?=`) the tool or prompt name or
 * resource URI the body names. Header names are case-insensitive (Headers does that); values are
 * compared exactly after trimming surrounding whitespace. Returns the refusal, or undefined.
 */
export function checkStandardHeaders(headers: Headers, method: string, params: Record<string, unknown> | undefined): HeaderMismatch | undefined {
  const methodHeader = headers.get('mcp-method')?.trim() ?? null;
  if (methodHeader !== method) return mismatch('Mcp-Method', method, methodHeader);
  const value = mcpNameOf(method, params);
  if (value === undefined) return undefined;
  const nameHeader = headers.get('mcp-name')?.trim() ?? null;
  if (nameHeader === null) return mismatch('Mcp-Name', value, null);
  const decoded = decodeHeaderValue(nameHeader);
  if (decoded === undefined) return malformed('Mcp-Name', value);
  return decoded === value ? undefined : mismatch('Mcp-Name', value, decoded);
}

// A decimal an integer argument may be written as in its header (`42`, `-7`, `42.0`).
const DECIMAL = /^-?\d+(\.\d+)?$/;

function agrees(declaration: HeaderDeclaration, decoded: string, body: unknown, bodyText: string): boolean {
  if (declaration.type === 'integer' && typeof body === 'number' && DECIMAL.test(decoded)) return Number(decoded) === body;
  return decoded === bodyText;
}

/**
 * Checks a tools/call's `Mcp-Param-*` headers against its arguments, for the tool's `x-mcp-header`
 * declarations: an argument that is present (not null) needs its header, and the header (decoded
 * when `=?base64?…?=`) must equal the argument as text; integers compare as numbers, so `42.0`
 * matches 42. A header without its argument is not looked at. Returns the refusal, or undefined.
 */
export function checkParamHeaders(headers: Headers, declarations: readonly HeaderDeclaration[], args: unknown): HeaderMismatch | undefined {
  for (const declaration of declarations) {
    const body = argumentAt(args, declaration.path);
    const bodyText = body === null ? undefined : headerText(body);
    // No argument, null, or one no header could carry (an object, an unsafe integer): the server's own schema check has it.
    if (bodyText === undefined) continue;
    const header = `${PARAM_HEADER_PREFIX}${declaration.headerName}`;
    const raw = headers.get(header)?.trim() ?? null;
    if (raw === null) return mismatch(header, bodyText, null);
    const decoded = decodeHeaderValue(raw);
    if (decoded === undefined) return malformed(header, bodyText);
    if (!agrees(declaration, decoded, body, bodyText)) return mismatch(header, bodyText, decoded);
  }
  return undefined;
}
