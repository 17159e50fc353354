// What the combined endpoint answers itself: its initialize result (the union of the servers'
// capabilities, their instructions joined under each server's name) and the pages of its lists.
import type { ListKind } from './catalogue.js';
import { lists } from './catalogue.js';
import type { CombinedCatalogue } from './combinedCatalogue.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { BridgeError } from '../shared/errors.js';
import { capabilitiesOf } from './view.js';

type Json = Record<string, unknown>;

/** Who the combined endpoint says it is. */
export const combinedServerInfo = { name: 'mcp-bridge', title: 'mcp-bridge: the servers of a gateway, combined', version: '1.0.0' };

/**
 * Capabilities: every capability any server declared (as last known, also while it is down), merged
 * key by key; tools, prompts and resources always say `listChanged`, since servers come and go.
 */
export function combinedCapabilities(catalogue: CombinedCatalogue): Json {
  const merged: Record<string, Json> = {};
  for (const member of catalogue.members) {
    const held = catalogue.find(member.name);
    if (!held) continue;
    for (const [key, value] of Object.entries(capabilitiesOf(held.catalogue))) {
      if (value === undefined || value === null || typeof value !== 'object') continue;
      merged[key] = { ...value, ...merged[key], ...Object.fromEntries(Object.entries(value).filter(([, inner]) => inner === true)) };
    }
  }
  for (const key of ['tools', 'prompts', 'resources']) if (merged[key]) merged[key] = { ...merged[key], listChanged: true };
  return merged;
}

/** The servers' instructions, each under a heading with its name, in file order (undefined when none has any). */
export function combinedInstructions(catalogue: CombinedCatalogue): string | undefined {
  const parts = catalogue.members.flatMap((member) => {
    const text = catalogue.find(member.name)?.catalogue.initializeResult?.instructions;
    return typeof text === 'string' && text.trim() !== '' ? [`## ${member.name}\n${text.trim()}`] : [];
  });
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

/**
 * One page of a combined list, starting at `cursorText` (undefined: the beginning). A page holds
 * servers' pages in file order, as many as fit until one that the server itself continues: the next
 * cursor then names that server and its own cursor. Throws INVALID_CURSOR for a cursor that no
 * longer leads anywhere (its server left, or relisted its pages).
 */
export function listPage(catalogue: CombinedCatalogue, kind: ListKind, cursorText: unknown): Json {
  const offered = catalogue.view.listOf(kind);
  let index = 0;
  let cursor: string | undefined;
  if (cursorText !== undefined) {
    const decoded = decodeCursor(cursorText);
    index = offered.findIndex((list) => list.server === decoded.server);
    if (index < 0) throw new BridgeError('INVALID_CURSOR', `server "${decoded.server}" is not offered any more`);
    cursor = decoded.cursor;
  }
  const items: unknown[] = [];
  for (; index < offered.length; index++, cursor = undefined) {
    const { server, pages } = offered[index]!;
    let page = pages.findIndex((candidate) => candidate.cursor === cursor);
    if (page < 0) {
      if (cursor !== undefined) throw new BridgeError('INVALID_CURSOR', `server "${server}" has listed its ${lists[kind].field} again; start over`);
      continue;
    }
    for (; page < pages.length; page++) {
      items.push(...pages[page]!.items);
      const next = pages[page]!.next;
      if (next !== undefined && page + 1 < pages.length) return { [lists[kind].field]: items, nextCursor: encodeCursor({ server, cursor: next }) };
    }
  }
  return { [lists[kind].field]: items };
}
