// Finds out which era a stdio server speaks (2026-07-28 `server/discover` or a session-era
// `initialize`) before the bridge decides how to serve it.
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Upstream, UpstreamFactory } from './gateway.js';
import type { Logger } from '../shared/log.js';
import { bridgeClientInfo, modernEnvelope } from '../shared/modernWire.js';

/** Longest wait for each answer of the probe. */
const PROBE_TIMEOUT_MS = 30_000;

type Result = Record<string, unknown>;

/** What a stdio server speaks: a 2026-07-28 one (with its discover result) or a session-era one (with its initialize result). */
export type ChildEra = { era: 'modern'; discover: Result } | { era: 'legacy'; initialize: Result };

/**
 * Starts one server and asks it `server/discover` in 2026-07-28: a modern server answers; a
 * session-era server answers with an error, and is then asked `initialize` for what it is
 * (name, capabilities, instructions), which the bridge serves to 2026-07-28 clients as discovery.
 * The probe's server is stopped afterwards.
 */
export async function probeChildEra(factory: UpstreamFactory, log: Logger): Promise<ChildEra> {
  const upstream = factory(log.child({ probe: 'era' }));
  try {
    await upstream.transport.start();
    const discover = await ask(upstream, 'server/discover', { _meta: modernEnvelope({ clientInfo: bridgeClientInfo, capabilities: {} }) });
    if ('result' in discover) return { era: 'modern', discover: discover.result as Result };
    const init = await ask(upstream, 'initialize', {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: bridgeClientInfo,
    });
    if (!('result' in init)) throw new Error(`the server refused initialize: ${JSON.stringify(init.error)}`);
    return { era: 'legacy', initialize: init.result as Result };
  } finally {
    await upstream.transport.close().catch(() => {});
  }
}

let probeIds = 0;

/** Sends one request and waits for its answer, ignoring anything else the server says. */
function ask(upstream: Upstream, method: string, params: Result): Promise<JSONRPCMessage & ({ result: unknown } | { error: unknown })> {
  const id = `mcp-bridge-probe-${++probeIds}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${method} within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    timer.unref();
    upstream.transport.onclose = () => reject(new Error(`the server ended during the probe (${upstream.explainClose().detail ?? ''})`));
    upstream.transport.onmessage = (message) => {
      if (!('id' in message) || message.id !== id || 'method' in message) return;
      clearTimeout(timer);
      resolve(message as JSONRPCMessage & ({ result: unknown } | { error: unknown }));
    };
    upstream.transport.send({ jsonrpc: '2.0', id, method, params } as JSONRPCMessage).catch(reject);
  });
}
