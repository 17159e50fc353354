/**
 * SEP-2243 custom headers from tool parameters, for both directions: which tool arguments an
 * inputSchema annotates `x-mcp-header`, and the header value codec (`=?base64?…?=`) the reverse
 * bridge writes with and the forward bridge reads with.
 */

/** One `x-mcp-header` annotation: where the argument sits in `arguments`, its schema type, and the header it goes to. */
export interface HeaderDeclaration {
  readonly path: readonly string[];
  readonly headerName: string;
  /** `string`, `integer` or `boolean` (integers are compared numerically). */
  readonly type: string;
}

/** What scanning a tool's inputSchema found: its declarations, or why the tool is invalid. */
export type HeaderScan = { valid: true; declarations: HeaderDeclaration[] } | { valid: false; reason: string };

/** The header an annotation names: `Mcp-Param-{Name}`. */
export const PARAM_HEADER_PREFIX = 'Mcp-Param-';

// RFC 9110 token characters: no spaces, control characters, non-ASCII or delimiters such as ':'.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// The spec admits string, integer and boolean; number (inexact as text), objects, arrays and null are refused.
const HEADER_TYPES = new Set(['string', 'integer', 'boolean']);
// Where an annotation cannot be reached through a plain chain of `properties`, which makes the tool invalid.
const UNREACHABLE_KEYWORDS = ['items', 'prefixItems', 'additionalProperties', 'patternProperties', 'oneOf', 'anyOf', 'allOf', 'not', 'if', 'then', 'else', '$defs', 'definitions'];
const BASE64_PREFIX = '=?base64?';
const BASE64_SUFFIX = '?=';
// Canonical Base64 only: whole quartets, padding only at the end and only as much as the length needs.
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// What RFC 9110 allows in a field value that needs no encoding: visible ASCII, space and tab.
const PLAIN_VALUE = /^[\t\x20-\x7e]*$/;

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
      declarations.push({ path, headerName: name, type: node.type });
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

/** The argument at an annotation's path (undefined when any step is missing or not an object). */
export function argumentAt(args: unknown, path: readonly string[]): unknown {
  let value: unknown = args;
  for (const key of path) value = isObject(value) ? value[key] : undefined;
  return value;
}

/** An argument as header text: strings as they are, booleans as `true`/`false`, safe integers and finite numbers in decimal; else undefined. */
export function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' && Number.isFinite(value) && (!Number.isInteger(value) || Number.isSafeInteger(value))) return String(value);
  return undefined;
}

function isWrapped(value: string): boolean {
  return value.startsWith(BASE64_PREFIX) && value.endsWith(BASE64_SUFFIX);
}

/** True when a value cannot travel as a plain header value (non-ASCII, control characters, edge whitespace, or looks encoded). */
function needsBase64(value: string): boolean {
  return value === '' || value !== value.trim() || isWrapped(value) || !PLAIN_VALUE.test(value);
}

/** A string as a header value: unchanged when safe, else `=?base64?<UTF-8 in base64>?=`. */
export function encodeHeaderValue(value: string): string {
  return needsBase64(value) ? `${BASE64_PREFIX}${Buffer.from(value, 'utf8').toString('base64')}${BASE64_SUFFIX}` : value;
}

/**
 * A received header value as the text it stands for: a `=?base64?…?=` value decoded (canonical
 * Base64 of valid UTF-8 only), anything else literally. Undefined when the value is malformed:
 * a broken Base64 payload, or characters a plain field value may not hold (non-ASCII, controls).
 */
export function decodeHeaderValue(value: string): string | undefined {
  if (!isWrapped(value)) return PLAIN_VALUE.test(value) ? value : undefined;
  // `=?base64?=` both starts and ends like a wrapped value but has no room for a payload.
  if (value.length < BASE64_PREFIX.length + BASE64_SUFFIX.length) return undefined;
  const payload = value.slice(BASE64_PREFIX.length, value.length - BASE64_SUFFIX.length);
  if (!CANONICAL_BASE64.test(payload)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(payload, 'base64'));
  } catch {
    return undefined;
  }
}
