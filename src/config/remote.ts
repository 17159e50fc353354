// The reverse mode's remote flags (--url, --sse, --streamableHttp, --header, retries, --protocolEra) into RemoteOptions.
import { defaults, type RawOptions } from './flags.js';
import { oauthOptions } from './oauth.js';
import type { BackoffOptions } from '../upstream/remote/backoff.js';
import { protocolEras, type ProtocolEra, type RemoteOptions } from '../upstream/remote/options.js';
import { parseDurationFlag } from './durations.js';
import { invalidConfig, parseBytes } from './units.js';

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

/** The retry flags (--reconnectAttempts, --reconnectDelay, --reconnectMaxDelay) of every remote. */
export function backoffFrom(raw: RawOptions): BackoffOptions {
  const attempts = raw.reconnectAttempts ?? defaults.reconnectAttempts;
  if (!Number.isInteger(attempts) || attempts < 0) invalidConfig('--reconnectAttempts must be a whole number');
  const initialDelayMs = parseDurationFlag('reconnectDelay', raw.reconnectDelay ?? defaults.reconnectDelay);
  const maxDelayMs = parseDurationFlag('reconnectMaxDelay', raw.reconnectMaxDelay ?? defaults.reconnectMaxDelay);
  if (initialDelayMs < 1 || maxDelayMs < initialDelayMs) invalidConfig('--reconnectDelay must be at least 1 ms and at most --reconnectMaxDelay');
  return { attempts, initialDelayMs, maxDelayMs };
}

/** `--protocolEra` (default auto). */
export function remoteEra(raw: RawOptions): ProtocolEra {
  const era = (raw.protocolEra ?? defaults.protocolEra) as ProtocolEra;
  if (!(protocolEras as readonly string[]).includes(era)) invalidConfig(`--protocolEra must be one of ${protocolEras.join(', ')}`);
  return era;
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
  const era = remoteEra(raw);
  if (kind === 'sse' && era === 'modern') invalidConfig('--sse speaks the session era only; use --url or --streamableHttp with --protocolEra modern');
  const maxMessageBytes = parseBytes('maxLineBytes', raw.maxLineBytes ?? defaults.maxLineBytes);
  return { url, kind, era, headers, backoff: backoffFrom(raw), oauth: oauthOptions(raw, env, url, headers), maxMessageBytes };
}
