// Composes reverse mode: a remote MCP server (upstream) offered on our stdin/stdout (downstream).
import { createRemoteOAuth } from '../oauth/remoteAuth.js';
import type { ReverseConfig } from '../config/index.js';
import { Relay } from '../core/relay.js';
import { StdioClientSide } from '../downstream/stdio.js';
import { shownUrl, type Logger } from '../shared/log.js';
import { RemoteTransport } from '../upstream/remote/remote.js';

/** A running reverse bridge: a remote MCP server offered on stdin/stdout. */
export interface ReverseBridge {
  /** Resolves once both sides are closed (stdin ended, or close() was called). */
  closed: Promise<void>;
  /** Ends the remote session, answers what is in flight, and stops reading stdin. */
  close(): Promise<void>;
}

/** Starts the reverse bridge between `input`/`output` (default: our stdin/stdout) and the remote. */
export async function startReverseBridge(
  config: ReverseConfig,
  log: Logger,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): Promise<ReverseBridge> {
  const auth = config.remote.oauth && createRemoteOAuth(config.remote.oauth, log);
  const remote = new RemoteTransport(config.remote, log, auth);
  const local = new StdioClientSide(input, output, config.maxLineBytes, log);
  const relay = new Relay(local, remote, log, {
    // The remote transport answers its own failures; it only closes when the bridge does.
    explainUpstreamClose: () => ({ code: 'SESSION_CLOSED', detail: 'the bridge is shutting down' }),
    requestTimeoutMs: config.requestTimeoutMs,
  });
  await relay.start();
  log.info('relaying stdio to the remote MCP server', { url: shownUrl(config.remote.url), transport: config.remote.kind });
  return { closed: relay.closed, close: () => relay.close({ code: 'SESSION_CLOSED', detail: 'the bridge is shutting down' }) };
}
