/**
 * The HTTP headers a 2026-07-28 request carries besides its body (spec: Streamable HTTP, "Standard
 * MCP request headers" and "Custom headers from tool parameters", SEP-2243): `Mcp-Method`, `Mcp-Name`
 * and one `Mcp-Param-{Name}` per tool argument whose schema property is annotated `x-mcp-header`.
 */

import { mcpNameOf } from '../core/modernWire.js';

/** One `x-mcp-header` annotation: where the argument sits in `arguments`, and the header it goes to. */
export interface HeaderDeclaration {
  readonly path: readonly string[];
  readonly headerName: string;
}

/** What scanning a tool's inputSchema found: its declarations, or why the tool is invalid. */
export type HeaderScan = { valid: true; declarations: HeaderDeclaration[] } | { valid: false; reason: string };

// RFC 9110 token characters: no spaces, control characters, non-ASCII or delimiters such as ':'.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// The spec admits string, integer and boolean; number (inexact as text), objects, arrays and null are refused.
const HEADER_TYPES = new Set(['string', 'integer', 'boolean']);
// Where an annotation cannot be reached through a plain chain of `properties`, which makes the tool invalid.
const UNREACHABLE_KEYWORDS = ['items', 'prefixItems', 'additionalProperties', 'patternProperties', 'oneOf', 'anyOf', 'allOf', 'not', 'if', 'then', 'else', '$defs', 'definitions'];
const BASE64_PREFIX = '=?base64?';
const BASE64_SUFFIX = '?=';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Finds every `x-mcp-header` of a tool's inputSchema and checks the rules on them; the first broken rule invalidates the tool. */
export function scanHeaderDeclarations(inputSchema: unknown): HeaderScan {
  const declarations: HeaderDeclaration[] = [];
  const seen = new Map<string, string>();
  const visit = (node: unknown, path: string[], reachable: boolean): string | undefined => {
    if (!isObject(node)) return undefined;
    if ('x-mcp-header' in node) {
      const name = node['x-mcp-header'];
      const at = path.join('.') || '<root>';
      if (!reachable || path.length === 0) return `${at}: x-mcp-header is only allowed on properties reached through "properties"`;
      if (typeof name !== 'string' || !TOKEN.test(name)) return `${at}: x-mcp-header ${JSON.stringify(name)} is not a non-empty HTTP token`;
      if (typeof node.type !== 'string' || !HEADER_TYPES.has(node.type)) return `${at}: x-mcp-header is only allowed on string, integer and boolean properties`;
      const earlier = seen.get(name.toLowerCase());
      if (earlier !== undefined) return `x-mcp-header "${name}" repeats "${earlier}" (names are case-insensitive)`;
      seen.set(name.toLowerCase(), name);
      declarations.push({ path, headerName: name });
    }
    const children: Array<[unknown, string[], boolean]> = [];
    if (isObject(node.properties)) for (const [key, child] of Object.entries(node.properties)) children.push([child, [...path, key], reachable]);
    for (const keyword of UNREACHABLE_KEYWORDS) {
      const sub = node[keyword];
      const branches = Array.isArray(sub) ? sub : keyword === 'patternProperties' || keyword === '$defs' || keyword === 'definitions' ? Object.values(isObject(sub) ? sub : {}) : [sub];
      for (const branch of branches) children.push([branch, [...path, `<${keyword}>`], false]);
    }
    for (const [child, childPath, childReachable] of children) {
      const fault = visit(child, childPath, childReachable);
      if (fault) return fault;
    }
    return undefined;
  };
  const fault = visit(inputSchema, [], true);
  return fault ? { valid: false, reason: fault } : { valid: true, declarations };
}

/** True when a value cannot travel as a plain header value (non-ASCII, control characters, edge whitespace, or looks encoded). */
function needsBase64(value: string): boolean {
  if (value === '' || value !== value.trim()) return true;
  if (value.startsWith(BASE64_PREFIX) && value.endsWith(BASE64_SUFFIX)) return true;
  return [...value].some((char) => char !== '\t' && (char < ' ' || char > '~'));
}

/** A string as a header value: unchanged when safe, else `=?base64?<UTF-8 in base64>?=`. */
export function encodeHeaderValue(value: string): string {
  return needsBase64(value) ? `${BASE64_PREFIX}${Buffer.from(value, 'utf8').toString('base64')}${BASE64_SUFFIX}` : value;
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' && Number.isFinite(value) && (!Number.isInteger(value) || Number.isSafeInteger(value))) return String(value);
  return undefined;
}

/** The `Mcp-Param-*` headers for one call; null, absent and non-primitive arguments get none. */
export function paramHeaders(declarations: readonly HeaderDeclaration[], args: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { path, headerName } of declarations) {
    let value: unknown = args;
    for (const key of path) value = isObject(value) ? value[key] : undefined;
    const text = asText(value);
    if (text !== undefined) headers[`Mcp-Param-${headerName}`] = encodeHeaderValue(text);
  }
  return headers;
}

/** `Mcp-Method` for every message with a method, and `Mcp-Name` for the methods that name a tool, prompt or resource. */
export function standardHeaders(method: string, params: Json | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'Mcp-Method': method };
  const name = mcpNameOf(method, params);
  if (name !== undefined) headers['Mcp-Name'] = encodeHeaderValue(name);
  return headers;
}
