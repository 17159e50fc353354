// The 2026-07-28 side of `/mcp`: classifies a POST as modern and serves it through the face chosen
// for the server's era.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { supportedProtocolVersions } from '../../shared/protocolVersions.js';
import type { Gateway, UpstreamFactory } from '../../core/gateway.js';
import { BridgeError, writeErrorResponse } from '../../shared/errors.js';
import type { Logger } from '../../shared/log.js';
import type { ModernFace, ModernOptions } from './face.js';
import { toWebRequest } from './webExchange.js';

export type { ModernOptions } from './face.js';

// The session-era revisions, as the v1 SDK (which serves them) knows them.
const sessionEraVersions = new Set(supportedProtocolVersions);

/**
 * A cheap first look: could this POST be a 2026-07-28 request? True when it carries an
 * `io.modelcontextprotocol/…` `_meta` key or names a revision newer than the session era in
 * MCP-Protocol-Version. Everything the SDK would classify as 2026-07-28 passes; the SDK decides.
 */
function mayBeModern(req: IncomingMessage, body: unknown): boolean {
  const version = req.headers['mcp-protocol-version'];
  if (typeof version === 'string' && !sessionEraVersions.has(version.trim())) return true;
  const messages = Array.isArray(body) ? body : [body];
  return messages.some((message) => {
    const meta = (message as { params?: { _meta?: unknown } } | null)?.params?._meta;
    return meta !== null && typeof meta === 'object' && Object.keys(meta).some((key) => key.startsWith('io.modelcontextprotocol/'));
  });
}

/**
 * The modern (2026-07-28) side of /mcp, which the router picks per request (classify): a POST without Mcp-Session-Id that carries
 * the per-request `_meta` envelope (or names a 2026-07-28 revision in MCP-Protocol-Version) is
 * served here; everything else stays with the session-era endpoint. Which way the server is
 * reached is decided once, by probing it on the first such request: a 2026-07-28 server gets the
 * requests as they are (ids remapped); a session-era one through the translator.
 */
export class ModernEndpoint {
  private face: Promise<ModernFace> | undefined;
  private closed = false;

  constructor(
    /** Where virtual sessions for a session-era server are opened. */
    private readonly gateway: Gateway,
    /** Spawns a plain child (for the probe and the 2026-07-28 passthrough). */
    private readonly upstream: UpstreamFactory,
    private readonly options: ModernOptions,
    private readonly log: Logger,
  ) {}

  /**
   * The request as a web Request when it is a modern (2026-07-28) one, else undefined (the
   * session-era endpoint's): a POST without Mcp-Session-Id that passes the cheap look and the SDK's classifier.
   */
  async classify(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<Request | undefined> {
    if (req.method !== 'POST' || req.headers['mcp-session-id'] !== undefined || body === undefined || !mayBeModern(req, body)) return undefined;
    return this.modernRequest(req, res, body);
  }

  /** Serves a request classify() returned, probing the server's era on the first one. */
  async serve(request: Request, body: unknown, res: ServerResponse): Promise<void> {
    let face: ModernFace;
    try {
      if (!this.gateway.isAccepting || this.closed) throw new BridgeError('SHUTTING_DOWN');
      face = await (this.face ??= import('./face.js').then(({ openModernFace }) => openModernFace(this.gateway, this.upstream, this.options, this.log)));
    } catch (error) {
      this.face = undefined; // a failed probe is retried by the next request
      this.log.warn('could not serve a 2026-07-28 request', { error: (error as Error).message });
      writeErrorResponse(res, error instanceof BridgeError ? error : new BridgeError('CHILD_START_FAILED', (error as Error).message));
      return;
    }
    await face.serve(request, body, res);
  }

  /**
   * The request as a web Request when the SDK classifies it as 2026-07-28, else undefined. A body
   * the classifier cannot take (nested too deep to walk) is left to the session-era endpoint,
   * which already answers such bodies with a JSON-RPC error.
   */
  private async modernRequest(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<Request | undefined> {
    try {
      const { isLegacyRequest } = await import('@modelcontextprotocol/server');
      const request = toWebRequest(req, res, body);
      return (await isLegacyRequest(request, body, { maxRequestBodySize: this.options.maxBodyBytes })) ? undefined : request;
    } catch (error) {
      this.log.debug('could not classify a request; left to the session-era endpoint', { error: (error as Error).message });
      return undefined;
    }
  }

  /** Drops paused calls and the 2026-07-28 server's connection. */
  async close(): Promise<void> {
    this.closed = true;
    const face = await this.face?.catch(() => undefined);
    face?.close();
  }
}
