// How a message dropped for its size is answered: the JSON-RPC error that names its size, the limit
// and the flag that raises it, for whichever side is waiting on it.
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { rpcErrorResponse } from './errors.js';
import type { TopLevel } from './topLevelScanner.js';

/** A size for people: `64 MiB`, `1.5 MiB`, `900 KiB`, `12 bytes`. */
export function sizeText(bytes: number): string {
  const units: [number, string][] = [[1024 ** 3, 'GiB'], [1024 ** 2, 'MiB'], [1024, 'KiB']];
  for (const [factor, unit] of units) if (bytes >= factor) return `${Number((bytes / factor).toFixed(1))} ${unit}`;
  return `${bytes} bytes`;
}

/** The limit a message ran into: its value and the flag that sets it. */
export interface SizeLimit {
  readonly bytes: number;
  readonly flag: string;
}

/** The detail of MESSAGE_TOO_LARGE: `what` is `size`, over `limit`; raise its flag to let it through. */
export function tooLargeDetail(what: string, size: number | undefined, limit: SizeLimit): string {
  const is = size === undefined ? 'is' : `is ${sizeText(size)},`;
  return `${what} ${is} over the ${sizeText(limit.bytes)} that --${limit.flag} allows; raise --${limit.flag} to let it through`;
}

/** A MESSAGE_TOO_LARGE error response to `id`. */
export function tooLargeError(id: RequestId | null, what: string, size: number | undefined, limit: SizeLimit): JSONRPCMessage {
  return rpcErrorResponse(id, 'MESSAGE_TOO_LARGE', tooLargeDetail(what, size, limit));
}

/**
 * Who waits on a dropped message, from what its top level held: a request (`method` and an id) is
 * answered to its sender, a response (an id, no `method`) is replaced by an error for the side that
 * asked; a notification, or a message whose id could not be found, waits for nobody.
 */
export function waitingOn(found: TopLevel): { kind: 'sender' | 'receiver'; id: RequestId } | undefined {
  if (found.id === undefined || found.id === null) return undefined;
  return { kind: found.hasMethod ? 'sender' : 'receiver', id: found.id };
}
