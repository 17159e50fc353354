import type { UpstreamFactory } from '../core/gateway.js';
import type { Logger } from '../log.js';

/** Placeholder until the passthrough lands. */
export class ModernPassthrough {
  static async start(_upstream: UpstreamFactory, _discover: Record<string, unknown>, _options: unknown, _log: Logger): Promise<ModernPassthrough> {
    throw new Error('2026-07-28 servers are not supported yet');
  }
  fetch(_request: Request, _body: unknown): Promise<Response> {
    throw new Error('unreachable');
  }
  close(): void {}
}
