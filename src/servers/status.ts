// What GET /servers says of one server of the gateway: its kind, routes, whether it can start
// (and the last error when it cannot), and its live sessions and processes.
import type { ServedServer } from './served.js';

/** One server as GET /servers shows it. */
export interface ServerStatus {
  name: string;
  kind: 'stdio' | 'remote';
  /** Present (true) for a remote served by opaque pass-through. */
  passthrough?: true;
  routes: { mcp: string; sse: string; message: string };
  /** `failed` after repeated failed starts (retried by the next session after a cool-down), else `ready`. */
  state: 'ready' | 'failed' | 'stopping';
  /** Why it is failing, for `failed`. */
  error?: string;
  sessions: number;
  /** Processes alive (stdio servers; 0 for remote ones). */
  children: number;
}

/** The status of one served server. */
export function serverStatus(
  server: { name: string; kind: 'stdio' | 'remote'; passthrough?: boolean },
  served: ServedServer,
  paths: { ssePath: string; messagePath: string; streamableHttpPath: string },
): ServerStatus {
  const error = served.children.readiness.notReadyReason;
  const state = !served.gateway.isAccepting ? 'stopping' : error ? 'failed' : 'ready';
  return {
    name: server.name,
    kind: server.kind,
    ...(server.passthrough && { passthrough: true as const }),
    routes: { mcp: paths.streamableHttpPath, sse: paths.ssePath, message: paths.messagePath },
    state,
    ...(error && { error }),
    sessions: served.sessionCount,
    children: served.children.liveChildren.size,
  };
}
