// The inbound security flags (--apiKey, --apiKeyFile, --cors, --rateLimit, --maxSessions) into SecurityConfig,
// and the checks of a bind address that the start-up warning and the Host check share.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { CorsOrigins, RateLimitConfig, SecurityConfig } from '../http/options.js';
import { defaults, type RawOptions } from './flags.js';
import { invalidConfig } from './units.js';

// Keys travel in header values: one token of visible ASCII, so what the client sends can match.
const keyShape = /^[\x21-\x7e]+$/;

function checkedKey(source: string, key: string): string {
  if (!key) invalidConfig(`${source} is empty`);
  // The message names the source, never the key.
  if (!keyShape.test(key)) invalidConfig(`${source} must be one line of visible ASCII characters without spaces`);
  return key;
}

function apiKeyFrom(raw: RawOptions, env: NodeJS.ProcessEnv): string | undefined {
  if (raw.apiKey !== undefined && raw.apiKeyFile !== undefined) invalidConfig('give either --apiKey or --apiKeyFile, not both');
  if (raw.apiKey !== undefined) return checkedKey('--apiKey', raw.apiKey.trim());
  if (raw.apiKeyFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(raw.apiKeyFile, 'utf8');
    } catch (error) {
      invalidConfig(`cannot read --apiKeyFile ${raw.apiKeyFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    return checkedKey(`--apiKeyFile ${raw.apiKeyFile}`, text.trim());
  }
  if (env.MCP_API_KEY !== undefined && env.MCP_API_KEY !== '') return checkedKey('MCP_API_KEY', env.MCP_API_KEY.trim());
  return undefined;
}

function corsFrom(values: readonly string[] | undefined): CorsOrigins | undefined {
  if (values === undefined) return undefined;
  // A bare `--cors` arrives as an empty string.
  if (values.length === 0 || values.some((value) => value === '' || value === '*')) return '*';
  return values.map((value) => {
    const origin = value.replace(/\/+$/, '');
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) invalidConfig(`--cors "${value}" is not an origin like https://app.example or http://localhost:3000`);
    return origin;
  });
}

function rateLimitFrom(value: string | undefined): RateLimitConfig | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(\d+)\s*\/\s*(s|sec|second|m|min|minute)\s*$/i.exec(value);
  if (!match || Number(match[1]) < 1) invalidConfig(`--rateLimit "${value}" is not N/s or N/m with N ≥ 1 (e.g. 10/s, 600/m)`);
  return { limit: Number(match[1]), windowMs: match[2]!.toLowerCase().startsWith('s') ? 1000 : 60_000 };
}

/** The security part of the forward config, from its flags and MCP_API_KEY (the inbound key in forward mode). */
export function securityOptions(raw: RawOptions, env: NodeJS.ProcessEnv): SecurityConfig {
  const maxSessions = raw.maxSessions ?? defaults.maxSessions;
  if (!Number.isInteger(maxSessions) || maxSessions < 0) invalidConfig('--maxSessions must be a whole number (0: no limit)');
  return { apiKey: apiKeyFrom(raw, env), cors: corsFrom(raw.cors), rateLimit: rateLimitFrom(raw.rateLimit), maxSessions };
}

/**
 * The Origin check's list once CORS is taken into account: origins allowed by `--cors` pass the
 * DNS-rebinding Origin check too (otherwise CORS would allow what the guard then refuses), and
 * `--cors` for any origin turns the Origin check off. The Host check is untouched.
 */
export function originsWithCors(allowedOrigins: readonly string[] | undefined, cors: CorsOrigins | undefined): readonly string[] | undefined {
  if (cors === undefined || allowedOrigins === undefined) return allowedOrigins;
  if (cors === '*') return undefined;
  return [...new Set([...allowedOrigins, ...cors])];
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, localhost (also IPv4-mapped). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  const v4 = bare.startsWith('::ffff:') ? bare.slice(7) : bare;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** The startup warning for a bind anyone on the network may reach without a key; undefined when there is nothing to warn about. */
export function exposureWarning(host: string, security: Pick<SecurityConfig, 'apiKey'>): string | undefined {
  if (isLoopbackHost(host) || security.apiKey !== undefined) return undefined;
  return (
    `SECURITY WARNING: listening on ${host}, which is not loopback, WITHOUT an API key: anyone who can reach this port ` +
    'can start MCP server processes and call their tools. Set --apiKeyFile, --apiKey or MCP_API_KEY, or bind 127.0.0.1.'
  );
}
