// The MCP servers of a chat: connected together (one that cannot be reached is reported and left
// out), each under a unique name, and closed together.
import type { ClientConnection } from '../connection.js';
import type { ChatServer } from './options.js';

/** One connected server of the chat. */
export interface ChatConnection {
  /** Unique in the chat: the config file's name, else the server's own (serverInfo.name), made safe. */
  readonly name: string;
  /** Its place among the servers the chat was given. */
  readonly index: number;
  readonly connection: ClientConnection;
}

/** What connecting gave: the servers that answered, and one line for each that did not. */
export interface ConnectedServers {
  readonly servers: ChatConnection[];
  readonly failures: string[];
}

const safe = (name: string): string => name.replace(/[^a-zA-Z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'server';

/** The name of a target for messages before it has connected: its given name, URL or command. */
export function targetLabel(server: ChatServer): string {
  if (server.name) return server.name;
  const { target } = server;
  if (target.label) return target.label;
  return target.kind === 'remote' ? target.remote.url : [target.child.command, ...target.child.args].join(' ');
}

/**
 * Connects to every server at once with `open` (which gets each server's index, for its hooks) and
 * names each: its given name, else its serverInfo name, with `-2`, `-3`… on a clash.
 */
export async function connectServers(servers: readonly ChatServer[], open: (server: ChatServer, index: number) => Promise<ClientConnection>): Promise<ConnectedServers> {
  const settled = await Promise.allSettled(servers.map((server, index) => open(server, index)));
  const taken = new Set<string>();
  const connected: ChatConnection[] = [];
  const failures: string[] = [];
  settled.forEach((outcome, index) => {
    const server = servers[index]!;
    if (outcome.status === 'rejected') {
      failures.push(`${targetLabel(server)}: ${outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason)}`);
      return;
    }
    const wanted = server.name ?? safe(outcome.value.serverInfo.name);
    let name = wanted;
    for (let n = 2; taken.has(name); n++) name = `${wanted}-${n}`;
    taken.add(name);
    connected.push({ name, index, connection: outcome.value });
  });
  return { servers: connected, failures };
}

/** Closes every connection (stopping stdio children); never throws. */
export async function closeServers(servers: readonly ChatConnection[]): Promise<void> {
  await Promise.all(servers.map((server) => server.connection.close().catch(() => {})));
}
