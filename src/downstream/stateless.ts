import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLegacyRequest } from '@modelcontextprotocol/server';
import type { Gateway, UpstreamFactory } from '../core/gateway.js';
import { BridgeError, writeErrorResponse } from '../errors.js';
import type { Logger } from '../log.js';
import { probeChildEra, type ChildEra } from '../upstream/eraProbe.js';
import type { ContinuationLimits } from './continuations.js';
import { legacyModernHandler } from './legacyModernHandler.js';
import { ModernPassthrough } from './modernPassthrough.js';
import { toWebRequest, writeWebResponse } from './webExchange.js';

/** Options of the 2026-07-28 side of /mcp. */
export interface StatelessOptions {
  continuations: ContinuationLimits;
  keepaliveMs: number;
  /** Largest POST body (the SDK classifies under the same bound). */
  maxBodyBytes: number;
}

/** Serves 2026-07-28 requests, whichever era the server speaks. */
interface ModernFace {
  serve(request: Request, body: unknown, res: ServerResponse): Promise<void>;
  close(): void;
}

/**
 * The 2026-07-28 side of /mcp, decided per request: a POST without Mcp-Session-Id that carries
 * the per-request `_meta` envelope (or names a 2026-07-28 revision in MCP-Protocol-Version) is
 * served here; everything else stays with the session-era endpoint. Which way the server is
 * reached is decided once, by probing it on the first such request: a 2026-07-28 server gets the
 * requests as they are (ids remapped); a session-era one through the translator.
 */
export class StatelessEndpoint {
  private face: Promise<ModernFace> | undefined;
  private closed = false;

  constructor(
    /** Where virtual sessions for a session-era server are opened. */
    private readonly gateway: Gateway,
    private readonly upstream: UpstreamFactory,
    private readonly options: StatelessOptions,
    private readonly log: Logger,
  ) {}

  /** Serves the request if it is a 2026-07-28 one and returns true; returns false to leave it to the session-era endpoint. */
  async handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<boolean> {
    if (req.method !== 'POST' || req.headers['mcp-session-id'] !== undefined || body === undefined) return false;
    const request = toWebRequest(req, res, body);
    if (await isLegacyRequest(request, body, { maxRequestBodySize: this.options.maxBodyBytes })) return false;
    let face: ModernFace;
    try {
      if (!this.gateway.isAccepting || this.closed) throw new BridgeError('SHUTTING_DOWN');
      face = await (this.face ??= this.open());
    } catch (error) {
      this.face = undefined; // a failed probe is retried by the next request
      this.log.warn('could not serve a 2026-07-28 request', { error: (error as Error).message });
      writeErrorResponse(res, error instanceof BridgeError ? error : new BridgeError('CHILD_START_FAILED', (error as Error).message));
      return true;
    }
    await face.serve(request, body, res);
    return true;
  }

  /** Drops paused calls and the 2026-07-28 server's connection. */
  async close(): Promise<void> {
    this.closed = true;
    const face = await this.face?.catch(() => undefined);
    face?.close();
  }

  private async open(): Promise<ModernFace> {
    const era: ChildEra = await probeChildEra(this.upstream, this.log);
    this.log.info('the MCP server speaks', { era: era.era });
    if (era.era === 'modern') {
      const supported = Array.isArray(era.discover.supportedVersions) ? (era.discover.supportedVersions as string[]) : [];
      return new ModernPassthrough(this.upstream, supported, this.options.keepaliveMs, this.log);
    }
    const legacy = legacyModernHandler(this.gateway, { initialize: era.initialize, ...this.options }, this.log);
    return {
      serve: async (request, body, res) => writeWebResponse(await legacy.handler.fetch(request, { parsedBody: body }), res),
      close: () => legacy.close(),
    };
  }
}
