// What the remote upstream of the reverse bridge is configured with: where the remote is, which
// transport and protocol era to speak, credentials and retries. config/ builds it from the flags.
import type { OAuthOptions } from '../../oauth/types.js';
import type { BackoffOptions } from './backoff.js';

/** Which HTTP transport a remote speaks; `auto` tries Streamable HTTP, then legacy SSE. */
export type RemoteKind = 'sse' | 'streamableHttp' | 'auto';

/** The values --protocolEra accepts: probed (`auto`), modern only (`modern`), or initialize and sessions (`legacy`, the session era). */
export const protocolEras = ['auto', 'modern', 'legacy'] as const;

/** One of protocolEras. */
export type ProtocolEra = (typeof protocolEras)[number];

/** Where and how to reach the remote MCP server of the reverse bridge. */
export interface RemoteOptions {
  readonly url: string;
  readonly kind: RemoteKind;
  /** The protocol era (default auto; legacy SSE is always the session era). */
  readonly era: ProtocolEra;
  /** Extra request headers (credentials included); never logged. */
  readonly headers: Readonly<Record<string, string>>;
  /** Retrying an unreachable remote and reopening broken streams. */
  readonly backoff: BackoffOptions;
  /** OAuth sign-in, unless off or a static credential is given. */
  readonly oauth: OAuthOptions | undefined;
  /** Largest message taken from the remote (an SSE event, a JSON body; --maxLineBytes, default 64 MiB); beyond, answered with MESSAGE_TOO_LARGE. */
  readonly maxMessageBytes?: number;
}

/** The default of RemoteOptions.maxMessageBytes, as --maxLineBytes's. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
