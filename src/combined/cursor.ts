// The combined endpoint's pagination cursor: opaque to clients, it names the server whose page comes
// next and that server's own cursor for it (undefined: its first page).
import { BridgeError } from '../shared/errors.js';

/** Where the next page of a combined list starts: a server, and its own cursor there. */
export interface CombinedCursor {
  readonly server: string;
  readonly cursor: string | undefined;
}

const tag = 'mcpb1.';

/** Encodes a cursor as an opaque string (base64url JSON behind a version tag). */
export function encodeCursor(cursor: CombinedCursor): string {
  return tag + Buffer.from(JSON.stringify({ s: cursor.server, c: cursor.cursor ?? null })).toString('base64url');
}

/** Decodes a cursor a client sent back; throws INVALID_CURSOR for anything this endpoint did not give out. */
export function decodeCursor(text: unknown): CombinedCursor {
  if (typeof text !== 'string' || !text.startsWith(tag)) throw new BridgeError('INVALID_CURSOR');
  try {
    const value = JSON.parse(Buffer.from(text.slice(tag.length), 'base64url').toString('utf8')) as { s?: unknown; c?: unknown };
    if (typeof value.s !== 'string' || (value.c !== null && typeof value.c !== 'string')) throw new Error('shape');
    return { server: value.s, cursor: value.c ?? undefined };
  } catch {
    throw new BridgeError('INVALID_CURSOR');
  }
}
