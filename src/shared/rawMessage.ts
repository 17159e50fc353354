// Large JSON-RPC responses kept as their bytes: a message object whose small members (jsonrpc, id)
// are parsed and whose large ones (the result) are parsed only if someone reads them, so routing a
// 16 MiB answer costs a scan of its top level, and restoring a client's id is a splice.
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { RawJson } from './rawJson.js';
import type { MemberSpan, TopLevelLayout } from './topLevelScanner.js';

/** Scalar members up to this size are parsed at once; objects, arrays and longer ones when first read. */
const eagerMemberBytes = 4096;
const CARRIAGE_RETURN = 0x0d;

/** What a raw message's bytes say: the text, where its members lie, and the id they carry. */
interface RawEntry {
  readonly raw: RawJson;
  readonly members: readonly MemberSpan[];
  readonly id: RequestId;
  readonly keyCount: number;
}

// Messages whose bytes still speak for them; an entry is dropped once a large member is read (the
// reader may change it) and ignored once the id or the set of members changed.
const entries = new WeakMap<object, RawEntry>();

/**
 * A response (an `id` and a `result` or `error`, no `method`) read as `raw`, with its top level
 * `layout`, as a message object, or undefined when the text is not one the raw path can carry:
 * not well formed at its top level, a request or notification, a repeated member, or a carriage
 * return anywhere (it would end an SSE data line early). Those take the parsing path.
 */
export function rawResponse(raw: RawJson, layout: TopLevelLayout): JSONRPCMessage | undefined {
  if (!layout.wellFormed || layout.hasMethod || !isRequestId(layout.id)) return undefined;
  const keys = new Set(layout.members.map((member) => member.key));
  if (keys.size !== layout.members.length || keys.has('result') === keys.has('error')) return undefined;
  if (raw.parts.some((part) => part.includes(CARRIAGE_RETURN))) return undefined;
  const message = build(raw, layout.members, layout.id);
  return (message as { jsonrpc?: unknown }).jsonrpc === '2.0' ? message : undefined;
}

/** The bytes of `message` when they still speak for it (same id, same members), else undefined. */
export function rawJsonOf(message: JSONRPCMessage): RawJson | undefined {
  const entry = entries.get(message);
  if (!entry) return undefined;
  const current = message as { id?: unknown };
  return current.id === entry.id && Object.keys(message).length === entry.keyCount ? entry.raw : undefined;
}

/**
 * `message` carrying `id` instead of its own (shared mode restores a client's id): for a raw
 * message only the id's bytes are replaced, else the members are copied, as `{ ...message, id }`.
 */
export function withId(message: JSONRPCMessage, id: RequestId): JSONRPCMessage {
  const raw = rawJsonOf(message);
  const entry = entries.get(message);
  if (!raw || !entry) return { ...message, id } as JSONRPCMessage;
  const span = entry.members.find((member) => member.key === 'id')!;
  const text = Buffer.from(JSON.stringify(id));
  const shift = text.length - (span.end - span.start);
  const members = entry.members.map((member) => {
    if (member === span) return { key: 'id', start: span.start, end: span.start + text.length };
    return member.start > span.start ? { ...member, start: member.start + shift, end: member.end + shift } : member;
  });
  return build(raw.splice(span.start, span.end, text), members, id);
}

function build(raw: RawJson, members: readonly MemberSpan[], id: RequestId): JSONRPCMessage {
  const message = {};
  const entry: RawEntry = { raw, members, id, keyCount: members.length };
  for (const member of members) {
    if (isEager(raw, member)) Object.defineProperty(message, member.key, plain(parseSpan(raw, member)));
    else defineLazy(message, member, raw);
  }
  entries.set(message, entry);
  return message as JSONRPCMessage;
}

/** A member parsed when first read; reading or setting it makes it a plain property and retires the bytes. */
function defineLazy(message: object, member: MemberSpan, raw: RawJson): void {
  const settle = (value: unknown): void => {
    entries.delete(message);
    Object.defineProperty(message, member.key, plain(value));
  };
  Object.defineProperty(message, member.key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = parseSpan(raw, member);
      settle(value);
      return value;
    },
    set: settle,
  });
}

/** A small scalar (jsonrpc, id): an object may be changed by whoever reads it, unseen here, so it stays lazy. */
function isEager(raw: RawJson, member: MemberSpan): boolean {
  if (member.end - member.start > eagerMemberBytes) return false;
  const first = raw.slice(member.start, member.start + 1)[0];
  return first !== 0x7b && first !== 0x5b;
}

function plain(value: unknown): PropertyDescriptor {
  return { value, writable: true, enumerable: true, configurable: true };
}

/**
 * One member's value parsed from its bytes. Only the top level was checked on the way in, so a
 * server's malformed literal deep inside a result reads as undefined instead of throwing in
 * whoever reads it; its client receives the bytes as the server wrote them.
 */
function parseSpan(raw: RawJson, member: MemberSpan): unknown {
  try {
    return JSON.parse(raw.slice(member.start, member.end).toString('utf8'));
  } catch {
    return undefined;
  }
}

function isRequestId(value: unknown): value is RequestId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}
