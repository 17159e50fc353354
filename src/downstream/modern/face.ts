// Chooses how 2026-07-28 requests are served: passed through to a modern stdio server, or
// translated for a session-era one.
import type { ServerResponse } from 'node:http';
import type { Gateway, UpstreamFactory } from '../../core/gateway.js';
import type { Logger } from '../../shared/log.js';
import { probeChildEra } from '../../core/eraProbe.js';
import type { ContinuationLimits } from './continuations.js';
import { sessionEraHandler } from './sessionEraHandler.js';
import { ModernPassthrough } from './passthrough.js';
import { writeRpcError, writeWebResponse } from './webExchange.js';

/** Options of the 2026-07-28 side of /mcp. */
export interface ModernOptions {
  continuations: ContinuationLimits;
  keepaliveMs: number;
  /** Largest POST body (the SDK classifies under the same bound). */
  maxBodyBytes: number;
}

/** Serves 2026-07-28 requests, whichever era the server speaks. */
export interface ModernFace {
  serve(request: Request, body: unknown, res: ServerResponse): Promise<void>;
  close(): void;
}

/**
 * Probes the server once and builds the face that fits it: the passthrough for a 2026-07-28
 * server, the SDK's 2026-07-28 handler over the translator for a session-era one. Loaded on the
 * first 2026-07-28 request only, so that session-era traffic never pays for SDK v2.
 */
export async function openModernFace(gateway: Gateway, upstream: UpstreamFactory, options: ModernOptions, log: Logger): Promise<ModernFace> {
  const era = await probeChildEra(upstream, log);
  log.info('the MCP server speaks', { era: era.era });
  if (era.era === 'modern') {
    const supported = Array.isArray(era.discover.supportedVersions) ? (era.discover.supportedVersions as string[]) : [];
    return new ModernPassthrough(upstream, supported, options.keepaliveMs, log);
  }
  const sessionEra = sessionEraHandler(gateway, { initialize: era.initialize, ...options }, log);
  return {
    serve: async (request, body, res) => {
      const refusal = await sessionEra.paramRefusal(request, body);
      if (refusal) return writeRpcError(res, 400, (body as { id?: unknown }).id, refusal);
      await writeWebResponse(await sessionEra.handler.fetch(request, { parsedBody: body }), res);
    },
    close: () => sessionEra.close(),
  };
}
