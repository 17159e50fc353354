/**
 * Label values come from clients and servers, so each is mapped onto a bounded set: an unbounded
 * label would let one client grow the registry (and every scrape) without limit.
 */

// The requests a client sends a server in MCP 2024-11-05 to 2025-11-25.
const knownMethods = new Set([
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/list',
  'prompts/get',
  'logging/setLevel',
  'completion/complete',
  'tasks/get',
  'tasks/list',
  'tasks/result',
  'tasks/cancel',
]);

/** A request method as a label: the MCP method itself, or `other`. */
export function methodLabel(method: string): string {
  return knownMethods.has(method) ? method : 'other';
}

/** A JSON-RPC error code as a label: codes in the reserved range -32768..-32000 as they are, else `other`. */
export function errorCodeLabel(code: number): string {
  return Number.isInteger(code) && code >= -32768 && code <= -32000 ? String(code) : 'other';
}

/** A process exit code as a label: 0..255 as they are, else `other` (they cannot be anything else on POSIX). */
export function exitCodeLabel(code: number): string {
  return Number.isInteger(code) && code >= 0 && code <= 255 ? String(code) : 'other';
}
