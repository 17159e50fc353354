/**
 * The peers issue 18 compares mcp-bridge with: other published gateways serving the same bench server
 * (bench/server.ts) over HTTP, launched from this checkout's node_modules (pinned devDependencies) and
 * measured by the same measurements and clients as mcp-bridge's columns. Each listens on a free port
 * of 127.0.0.1 (bench/peerListen.ts, preloaded, forces the host and logs the port it got).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { serverArgv, startListening, type RunningGateway, type SessionMode } from './gateway.js';
import type { Column } from './measure/types.js';

const here = fileURLToPath(new URL('.', import.meta.url));
/** build-test/bench/ → the checkout's node_modules. */
const nodeModules = join(here, '..', '..', 'node_modules');
const preload = new URL('peerListen.js', import.meta.url).href;

interface Peer {
  /** The npm package, for its version and its entry point. */
  pkg: 'supergateway' | 'mcp-proxy';
  /** The CLI's arguments after its entry point. */
  args(): string[];
  /** How many children it runs: one for every client (shared counts) or one per session or request (per-session counts). */
  mode: SessionMode;
}

const entryPoints: Record<Peer['pkg'], string> = {
  supergateway: 'dist/index.js',
  'mcp-proxy': 'dist/bin/mcp-proxy.mjs',
};

/** supergateway takes the server as one shell command (it spawns with `shell: true`). */
const serverCommand = (): string => serverArgv.map((part) => JSON.stringify(part)).join(' ');

/**
 * supergateway 4.x: `--logLevel none`, its quietest, because its default (info) writes every message
 * to stdout; the port is 0 (its --port has no other way to ask for a free one).
 */
const supergateway = (...mode: string[]): string[] => ['--stdio', serverCommand(), '--port', '0', '--logLevel', 'none', ...mode];

/** mcp-proxy: one transport at a time (`--server`), otherwise its defaults (event store on, as mcp-bridge's). */
const mcpProxy = (server: 'sse' | 'stream'): string[] => ['--host', '127.0.0.1', '--port', '0', '--server', server, '--', ...serverArgv];

const peers: Partial<Record<Column, Peer>> = {
  // stdio → SSE: one child for every client; the child's every message goes to every session.
  'sse supergateway': { pkg: 'supergateway', mode: 'shared', args: () => supergateway() },
  // stdio → Streamable HTTP, stateful: one child per session.
  'http supergateway stateful': { pkg: 'supergateway', mode: 'per-session', args: () => supergateway('--outputTransport', 'streamableHttp', '--stateful') },
  // stdio → Streamable HTTP, stateless: one child per POST, initialized by supergateway before the message.
  'http supergateway stateless': { pkg: 'supergateway', mode: 'per-session', args: () => supergateway('--outputTransport', 'streamableHttp') },
  // mcp-proxy: one child (one SDK client) for every session, over SSE or Streamable HTTP.
  'sse mcp-proxy': { pkg: 'mcp-proxy', mode: 'shared', args: () => mcpProxy('sse') },
  'http mcp-proxy': { pkg: 'mcp-proxy', mode: 'shared', args: () => mcpProxy('stream') },
};

function peerOf(column: Column): Peer {
  const peer = peers[column];
  if (!peer) throw new Error(`${column} is not a peer column`);
  return peer;
}

/** The session mode whose counts a peer's column uses (shared: one child for all clients). */
export function peerMode(column: Column): SessionMode {
  return peerOf(column).mode;
}

/** Starts the peer of `column` on the bench server; resolves once it listens, like startGateway. */
export function startPeer(column: Column): Promise<RunningGateway> {
  const peer = peerOf(column);
  return startListening(column, ['--import', preload, join(nodeModules, peer.pkg, entryPoints[peer.pkg]), ...peer.args()]);
}

/** Each peer package's installed version, for the report ("supergateway 4.0.0"). */
export function peerVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const pkg of Object.keys(entryPoints)) {
    const manifest = JSON.parse(readFileSync(join(nodeModules, pkg, 'package.json'), 'utf8')) as { version: string };
    versions[pkg] = manifest.version;
  }
  return versions;
}
