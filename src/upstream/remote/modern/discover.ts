// Asks a remote whether it speaks 2026-07-28 (`server/discover`) and opens the modern connection
// when it does.
import { ProtocolErrorCode } from '@modelcontextprotocol/client';
import type { Logger } from '../../../shared/log.js';
import { ModernConnection } from './connection.js';
import { ModernHttp } from './http.js';
import { MODERN_VERSION, type ClientIdentity } from '../../../shared/modernWire.js';
import { withMeta } from './meta.js';
import type { ConnectionOptions } from '../connection.js';
import { failureForError, RemoteFailure } from '../failure.js';

type Json = Record<string, unknown>;

/** Which era a remote speaks: 2026-07-28 with its server/discover result, or the legacy (session) eras. */
export type Discovery = { era: 'modern'; result: Json } | { era: 'legacy'; reason: string };

const ATTEMPTS = 2;

/**
 * Asks the remote `server/discover` at 2026-07-28. A legacy server refuses it (4xx, method not found,
 * "initialize first"), which means "use the legacy eras"; a refusal naming 2026-07-28 among the
 * supported versions is tried once more. Network failures and 401/403 are thrown for the caller's
 * retry and sign-in logic.
 */
export async function discover(http: ModernHttp, identity: ClientIdentity, log: Logger): Promise<Discovery> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const request = withMeta({ jsonrpc: '2.0', id: `mcp-bridge-discover-${attempt}`, method: 'server/discover', params: {} }, identity);
    let answer: Json;
    try {
      answer = (await (await http.post(request, {})).answer) as unknown as Json;
    } catch (error) {
      const failure = failureForError(error);
      if (failure.kind === 'rejected') return { era: 'legacy', reason: failure.message };
      throw failure;
    }
    const result = answer.result as Json | undefined;
    if (result) {
      const versions = Array.isArray(result.supportedVersions) ? result.supportedVersions : [];
      if (versions.includes(MODERN_VERSION)) return { era: 'modern', result };
      return { era: 'legacy', reason: `server/discover offers ${JSON.stringify(versions)}` };
    }
    const error = (answer.error ?? {}) as { code?: unknown; message?: unknown; data?: { supported?: unknown } };
    const supported = Array.isArray(error.data?.supported) ? error.data.supported : [];
    if (error.code === ProtocolErrorCode.UnsupportedProtocolVersion && supported.includes(MODERN_VERSION) && attempt < ATTEMPTS) {
      log.debug('the remote refused server/discover at 2026-07-28 although it lists it; asking again');
      continue;
    }
    return { era: 'legacy', reason: `server/discover answered ${String(error.code)} ${String(error.message ?? '')}`.trim() };
  }
  return { era: 'legacy', reason: 'server/discover was refused' };
}

/** The desktop client as a 2026-07-28 remote sees it: from its initialize, or the bridge until it sends one. */
export function identityFrom(hello: Json | undefined): ClientIdentity {
  return {
    clientInfo: (hello?.clientInfo as Json | undefined) ?? { name: 'mcp-bridge', version: '1' },
    capabilities: (hello?.capabilities as Json | undefined) ?? {},
  };
}

/**
 * Probes the remote and returns a stateless connection when it speaks 2026-07-28, or undefined when
 * it speaks only the legacy eras; with `required` (--protocolEra modern) that is an error instead.
 */
export async function openModern(options: ConnectionOptions, identity: ClientIdentity, required: boolean): Promise<ModernConnection | undefined> {
  const probe = new ModernHttp(options);
  const found = await discover(probe, identity, options.log).finally(() => probe.close());
  if (found.era === 'legacy') {
    if (required) throw new RemoteFailure('rejected', `the remote does not speak 2026-07-28 (--protocolEra modern): ${found.reason}`);
    options.log.info('the remote does not speak 2026-07-28; using initialize and sessions', { reason: found.reason });
    return undefined;
  }
  options.log.info('connected to the remote MCP server', { protocol: MODERN_VERSION });
  return new ModernConnection(options, found.result, identity);
}
