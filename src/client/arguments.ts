// `key=value` words into the arguments of a tool call (typed by the tool's input schema) or a prompt
// (always text), with the required ones checked before anything is sent.
import type { Prompt, Tool } from '@modelcontextprotocol/sdk/types.js';
import { BridgeError } from '../shared/errors.js';

type Schema = { type?: unknown; properties?: Record<string, Schema>; required?: unknown; additionalProperties?: unknown; anyOf?: Schema[]; oneOf?: Schema[]; enum?: unknown[] };

function invalid(detail: string): never {
  throw new BridgeError('CLIENT_INVALID_ARGUMENTS', detail);
}

/** The JSON types a property admits, from `type` (one or a list), `anyOf`/`oneOf`, or an `enum`'s values; empty when unknown. */
export function typesOf(schema: Schema | undefined): string[] {
  if (!schema) return [];
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.map(String);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return [...new Set(variants.flatMap(typesOf))];
  if (schema.enum) return [...new Set(schema.enum.map((value) => (value === null ? 'null' : typeof value)))];
  return [];
}

function splitPair(pair: string): [string, string] {
  const eq = pair.indexOf('=');
  if (eq < 1) invalid(`"${pair}" is not key=value`);
  return [pair.slice(0, eq), pair.slice(eq + 1)];
}

function asJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** One value read as the first of `types` it fits (text last, since every value fits it); untyped values are JSON when they parse, else text. */
function typedValue(key: string, text: string, types: string[]): unknown {
  if (types.length === 0) {
    const json = asJson(text);
    return json.ok ? json.value : text;
  }
  for (const type of types.filter((candidate) => candidate !== 'string')) {
    if ((type === 'number' || type === 'integer') && text.trim() !== '' && Number.isFinite(Number(text))) {
      if (type === 'integer' && !Number.isInteger(Number(text))) continue;
      return Number(text);
    }
    if (type === 'boolean' && /^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
    if (type === 'null' && text === 'null') return null;
    if (type === 'object' || type === 'array') {
      const json = asJson(text);
      if (json.ok && typeof json.value === 'object' && json.value !== null && Array.isArray(json.value) === (type === 'array')) return json.value;
    }
  }
  if (types.includes('string')) return text;
  return invalid(`${key}=${text}: expected ${types.join(' or ')}`);
}

/**
 * The arguments of a call to `tool`: `base` (from `--args`) with each `key=value` on top, each value
 * typed by the input schema (numbers, booleans, JSON objects and arrays; text for strings). Throws
 * CLIENT_INVALID_ARGUMENTS for a malformed pair, a value of the wrong type, an unknown key the schema
 * forbids, or a required argument left out.
 */
export function toolArguments(tool: Pick<Tool, 'name' | 'inputSchema'>, pairs: readonly string[], base: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const schema = tool.inputSchema as Schema;
  const properties = schema.properties ?? {};
  const args: Record<string, unknown> = { ...base };
  for (const pair of pairs) {
    const [key, text] = splitPair(pair);
    if (!(key in properties) && schema.additionalProperties === false) invalid(`${tool.name} has no argument "${key}"; its arguments: ${Object.keys(properties).join(', ') || 'none'}`);
    args[key] = typedValue(key, text, typesOf(properties[key]));
  }
  const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
  const missing = required.filter((key) => !(key in args));
  if (missing.length > 0) invalid(`${tool.name} needs ${missing.map((key) => `${key}=…`).join(' ')}`);
  return args;
}

/** The arguments of prompt `prompt` (text, as the spec has them); throws CLIENT_INVALID_ARGUMENTS for an unknown or missing one. */
export function promptArguments(prompt: Pick<Prompt, 'name' | 'arguments'>, pairs: readonly string[]): Record<string, string> {
  const known = prompt.arguments ?? [];
  const args: Record<string, string> = {};
  for (const pair of pairs) {
    const [key, text] = splitPair(pair);
    if (!known.some((argument) => argument.name === key)) invalid(`prompt ${prompt.name} has no argument "${key}"; its arguments: ${known.map((argument) => argument.name).join(', ') || 'none'}`);
    args[key] = text;
  }
  const missing = known.filter((argument) => argument.required && !(argument.name in args));
  if (missing.length > 0) invalid(`prompt ${prompt.name} needs ${missing.map((argument) => `${argument.name}=…`).join(' ')}`);
  return args;
}
