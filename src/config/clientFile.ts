// What the client modes (inspect, chat) share in their configuration: the servers of a gateway config
// file as a client connects to them, and how patiently a person's client retries.
import type { ClientTarget } from '../client/options.js';
import type { GatewayServer } from '../servers/entry.js';
import type { RawOptions } from './flags.js';
import { gatewayConfig } from './gateway.js';
import { gatewayOAuthFlags } from './gatewayOAuth.js';
import { servingConfig } from './index.js';
import { backoffFrom, remoteEra } from './remote.js';

/** A person waits at the terminal: a server that refuses connections is retried once, not for half a minute. */
export const CLIENT_RECONNECT_ATTEMPTS = 1;

/** `raw` with one retry of an unreachable server, unless `--reconnectAttempts` was given (`given` holds the flags typed). */
export function withClientRetries(raw: RawOptions, given: ReadonlySet<string>): RawOptions {
  return given.has('reconnectAttempts') ? raw : { ...raw, reconnectAttempts: CLIENT_RECONNECT_ATTEMPTS };
}

/** One server of the file as a client connects to it: a stdio entry's command, or a remote entry with interactive OAuth. */
function clientTarget(server: GatewayServer): ClientTarget {
  if (server.kind === 'stdio') return { kind: 'stdio', child: server.served.child, label: server.name };
  // A person is at hand: the entry may sign in with a browser, unlike in the gateway.
  const oauth = server.remote.oauth && { ...server.remote.oauth, signInCommand: undefined };
  return { kind: 'remote', remote: { ...server.remote, oauth }, label: server.name };
}

/** Every enabled server of the config file `file`, in file order, as a client connects to it, and the file's name separator. Throws CONFIG_INVALID. */
export function clientTargetsOfFile(raw: RawOptions, env: NodeJS.ProcessEnv, file: string): { targets: { name: string; target: ClientTarget }[]; separator: string } {
  const start = { mode: 'gateway', configFile: file, serving: servingConfig(raw, env), remoteDefaults: { era: remoteEra(raw), backoff: backoffFrom(raw), oauth: gatewayOAuthFlags(raw) }, cluster: undefined } as const;
  const config = gatewayConfig(start, env);
  return { targets: config.servers.map((server) => ({ name: server.name, target: clientTarget(server) })), separator: config.file.separator };
}
