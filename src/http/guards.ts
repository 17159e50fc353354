// The DNS-rebinding guard: checks Host and Origin against the allowed lists.
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

/**
 * DNS-rebinding protection: the `Host` header's name must be an allowed host, and an `Origin`
 * header, when present, must be an allowed origin or a page on an allowed host. Answers 403 JSON.
 */
export function hostOriginGuard(policy: HostOriginPolicy) {
  const hosts = policy.allowedHosts?.map((host) => host.toLowerCase());
  return (req: Request, res: Response, next: NextFunction): void => {
    if (hosts && !hosts.includes(hostnameOf(req.headers.host ?? ''))) {
      return writeJsonError(res, 'HOST_FORBIDDEN', req.headers.host);
    }
    const origin = req.headers.origin;
    if (policy.allowedOrigins && origin !== undefined && !originAllowed(origin, policy)) {
      return writeJsonError(res, 'ORIGIN_FORBIDDEN', origin);
    }
    next();
  };
}
