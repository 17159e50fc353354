import type { AuthOptions } from '../oauth/types.js';
import type { RawOptions } from './index.js';
import { authOptions } from './oauth.js';
import type { BackoffOptions } from '../upstream/remote/backoff.js';
import { parseDurationFlag } from './durations.js';
import { invalidConfig } from './units.js';

/** Which HTTP transport a remote speaks; `auto` tries Streamable HTTP, then legacy SSE. */
export type RemoteKind = 'sse' | 'streamableHttp' | 'auto';

/** Which MCP protocol era the remote is spoken to in: probed (`auto`), 2026-07-28 stateless (`modern`), or initialize + sessions (`legacy`). */
export type ProtocolEra = 'auto' | 'modern' | 'legacy';

/** The values --protocolEra accepts. */
export const protocolEras: readonly ProtocolEra[] = ['auto', 'modern', 'legacy'];

/** Where and how to reach the remote MCP server of the reverse bridge. */
export interface RemoteOptions {
  readonly url: string;
  readonly kind: RemoteKind;
  /** The protocol era (default auto; legacy SSE is always legacy). */
  readonly era: ProtocolEra;
  /** Extra request headers (credentials included); never logged. */
  readonly headers: Readonly<Record<string, string>>;
  /** Retrying an unreachable remote and reopening broken streams. */
  readonly backoff: BackoffOptions;
  /** OAuth sign-in, unless off or a static credential is given. */
  readonly auth: AuthOptions | undefined;
}

/** Defaults of the reverse mode's retry flags (shown by --help). */
export const remoteDefaults = { reconnectAttempts: 6, reconnectDelay: '500ms', reconnectMaxDelay: '30s' } as const;

function headersFrom(raw: RawOptions, env: NodeJS.ProcessEnv): Record<string, string> {
  const headers: Record<string, string> = {};
  if (env.MCP_API_KEY) headers.Authorization = `Bearer ${env.MCP_API_KEY}`;
  if (raw.oauth2Bearer) headers.Authorization = `Bearer ${raw.oauth2Bearer}`;
  for (const header of raw.header ?? []) {
    const colon = header.indexOf(':');
    if (colon < 1) invalidConfig(`--header "${header.split(':')[0]}…" is not "Name: value"`);
    headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
  }
  return headers;
}

function backoffFrom(raw: RawOptions): BackoffOptions {
  const attempts = raw.reconnectAttempts ?? remoteDefaults.reconnectAttempts;
  if (!Number.isInteger(attempts) || attempts < 0) invalidConfig('--reconnectAttempts must be a whole number');
  const initialDelayMs = parseDurationFlag('reconnectDelay', raw.reconnectDelay ?? remoteDefaults.reconnectDelay);
  const maxDelayMs = parseDurationFlag('reconnectMaxDelay', raw.reconnectMaxDelay ?? remoteDefaults.reconnectMaxDelay);
  if (initialDelayMs < 1 || maxDelayMs < initialDelayMs) invalidConfig('--reconnectDelay must be at least 1 ms and at most --reconnectMaxDelay');
  return { attempts, initialDelayMs, maxDelayMs };
}

/** The remote of the reverse mode, from --sse / --streamableHttp / --url or MCP_SERVER_URL, with its credentials. */
export function remoteOptions(raw: RawOptions, env: NodeJS.ProcessEnv): RemoteOptions {
  const given = (['sse', 'streamableHttp', 'url'] as const).filter((flag) => raw[flag] !== undefined);
  if (given.length > 1) invalidConfig(`give one of --sse, --streamableHttp and --url, not ${given.map((flag) => `--${flag}`).join(' and ')}`);
  const flag = given[0];
  const url = flag ? raw[flag]! : env.MCP_SERVER_URL!;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) invalidConfig(`the remote URL "${url}" is not an http(s) URL`);
  const kind = flag === 'sse' ? 'sse' : flag === 'streamableHttp' ? 'streamableHttp' : 'auto';
  const headers = headersFrom(raw, env);
  const era = (raw.protocolEra ?? 'auto') as ProtocolEra;
  if (!protocolEras.includes(era)) invalidConfig(`--protocolEra must be one of ${protocolEras.join(', ')}`);
  if (kind === 'sse' && era === 'modern') invalidConfig('--sse speaks the legacy era only; use --url or --streamableHttp with --protocolEra modern');
  return { url, kind, era, headers, backoff: backoffFrom(raw), auth: authOptions(raw, env, url, headers) };
}
