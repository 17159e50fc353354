// The settings every served server shares, in forward and gateway mode: what the gateway-wide flags
// say about HTTP, security, sessions and children, before any one server is known.
import type { SessionLimits } from '../core/sessions.js';
import type { ContinuationLimits } from '../downstream/modern/continuations.js';
import type { HttpConfig, SecurityConfig } from '../http/options.js';
import type { LogConfig } from '../shared/log.js';
import type { ChildCommand, ChildrenConfig } from '../upstream/child/options.js';

/** The settings every served server shares (forward and gateway mode). */
export interface ServingConfig {
  /** The children's limits and gateway-wide environment (`--cwd`, `--env`, `--passEnv`, line size, kill grace). */
  readonly childLimits: Omit<ChildCommand, 'command' | 'args' | 'shell'>;
  readonly http: HttpConfig;
  /** Inbound API key, CORS, rate limit and session cap (security.ts). */
  readonly security: SecurityConfig;
  readonly sessions: SessionLimits;
  readonly continuations: ContinuationLimits;
  readonly children: ChildrenConfig;
  readonly log: LogConfig;
}

