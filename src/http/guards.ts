// The DNS-rebinding guard: checks Host and Origin against the allowed lists.
import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { writeJsonError } from '../shared/errors.js';

/** The lists a DNS-rebinding guard checks; undefined disables that check. */
export interface HostOriginPolicy {
  allowedHosts: readonly string[] | undefined;
  allowedOrigins: readonly string[] | undefined;
}

function hostnameOf(hostHeader: string): string {
  // "[::1]:8000" → "[::1]", "localhost:8000" → "localhost"
  const bracket = hostHeader.startsWith('[') ? hostHeader.indexOf(']') : -1;
  if (bracket > 0) return hostHeader.slice(0, bracket + 1).toLowerCase();
  return hostHeader.split(':')[0]!.toLowerCase();
}

function originAllowed(origin: string, policy: HostOriginPolicy): boolean {
  if (policy.allowedOrigins!.includes(origin)) return true;
  if (!policy.allowedHosts || !URL.canParse(origin)) return false;
  const { hostname } = new URL(origin);
  return policy.allowedHosts.some((host) => host.toLowerCase() === hostname.toLowerCase());
}

/** Why a request fails the DNS-rebinding check (see hostOriginGuard), or undefined when it passes. */
export function hostOriginRefusal(policy: HostOriginPolicy) {
  const hosts = policy.allowedHosts?.map((host) => host.toLowerCase());
  // Nearly every request of a deployment names the same Host: the last one allowed is remembered.
  let lastAllowedHost: string | undefined;
  const hostAllowed = (host: string): boolean => {
    if (!hosts || host === lastAllowedHost) return true;
    if (!hosts.includes(hostnameOf(host))) return false;
    lastAllowedHost = host;
    return true;
  };
  return (headers: IncomingHttpHeaders): { code: 'HOST_FORBIDDEN' | 'ORIGIN_FORBIDDEN'; detail: string | undefined } | undefined => {
    if (!hostAllowed(headers.host ?? '')) return { code: 'HOST_FORBIDDEN', detail: headers.host };
    const origin = headers.origin;
    if (policy.allowedOrigins && origin !== undefined && !originAllowed(origin, policy)) return { code: 'ORIGIN_FORBIDDEN', detail: origin };
    return undefined;
  };
}

/**
 * DNS-rebinding protection: the `Host` header's name must be an allowed host, and an `Origin`
 * header, when present, must be an allowed origin or a page on an allowed host. Answers 403 JSON.
 */
export function hostOriginGuard(policy: HostOriginPolicy) {
  const refusal = hostOriginRefusal(policy);
  return (req: Request, res: Response, next: NextFunction): void => {
    const refused = refusal(req.headers);
    if (refused) return writeJsonError(res, refused.code, refused.detail);
    next();
  };
}
