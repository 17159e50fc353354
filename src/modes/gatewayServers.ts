// The servers a gateway runs right now, by name, and how a reload changes them: added servers start,
// removed ones drain and close, changed ones are replaced (new sessions go to the new one while the
// old one's sessions finish), unchanged ones are left alone.
import type { ChildObserver, RelayObserver } from '../core/observers.js';
import type { ServerHandler } from '../http/dispatch.js';
import { sameEntry, serveEntry, startEntryChildren, type GatewayServer, type RunningEntry } from '../servers/entry.js';
import type { GatewayModules } from '../servers/passthrough.js';
import type { ServerChildren } from '../servers/served.js';
import type { Logger } from '../shared/log.js';

/** How long a removed or replaced server's requests in flight may take before it is closed anyway (30 s). */
export const drainGraceMs = 30_000;

/** A running server and the router its requests are dispatched to. */
export interface RoutedEntry extends RunningEntry {
  readonly router: ServerHandler;
}

/** What the set needs to serve a server. */
export interface ServingParts {
  modules: GatewayModules;
  baseUrl: string;
  metrics: { forServer(name: string): RelayObserver & ChildObserver };
  route(entry: RunningEntry): ServerHandler;
  log: Logger;
}

/** What a reload did, by server name. */
export interface ReloadSummary {
  added: string[];
  removed: string[];
  changed: string[];
  unchanged: string[];
  /** Servers that could not be started, with why; the others still changed. */
  failed: string[];
  /** Why the whole reload was refused (the servers it started are stopped again and nothing changed); absent when it was applied. */
  refused?: string[];
}

/** Checks the servers a reload would run before they replace the running ones: problems refuse the reload, else `commit` runs with the swap. */
export type ReloadVet = (next: readonly RoutedEntry[]) => Promise<{ problems: string[]; commit(): void; abort(): Promise<void> }>;

/** The live servers of a gateway (in file order) and those draining after a reload. */
export class GatewayServers {
  private live = new Map<string, RoutedEntry>();
  private readonly draining = new Set<RoutedEntry>();

  constructor(private readonly parts: ServingParts) {}

  /** Serves a server whose children have already started (at start-up). */
  serve(server: GatewayServer, children: ServerChildren): RoutedEntry {
    const entry = this.routed(server, children);
    this.live.set(server.name, entry);
    return entry;
  }

  /** Every live server, in file order. */
  get entries(): RoutedEntry[] {
    return [...this.live.values()];
  }

  /** Live servers, then the ones still draining. */
  get allEntries(): RoutedEntry[] {
    return [...this.live.values(), ...this.draining];
  }

  /** The server a request for `name` goes to: the draining one that owns `sessionId`, else the live one. */
  lookup(name: string, sessionId: string | undefined): RoutedEntry | undefined {
    if (sessionId !== undefined) {
      for (const entry of this.draining) if (entry.server.name === name && entry.served.gateway.sessions.get(sessionId)) return entry;
    }
    return this.live.get(name);
  }

  /**
   * Moves to the servers of a reloaded file; resolves once the new ones serve (draining goes on behind).
   * `vet` may refuse the whole set (the servers started for it are then closed and nothing changes).
   */
  async reload(servers: readonly GatewayServer[], vet?: ReloadVet): Promise<ReloadSummary> {
    const summary: ReloadSummary = { added: [], removed: [], changed: [], unchanged: [], failed: [] };
    const next = new Map<string, RoutedEntry>();
    for (const server of servers) {
      const current = this.live.get(server.name);
      if (current && sameEntry(current.server, server)) {
        next.set(server.name, current);
        summary.unchanged.push(server.name);
        continue;
      }
      const started = await this.start(server);
      if (!started) {
        summary.failed.push(server.name);
        if (current) next.set(server.name, current);
        continue;
      }
      next.set(server.name, started);
      (current ? summary.changed : summary.added).push(server.name);
    }
    const vetted = await vet?.([...next.values()]);
    if (vetted && vetted.problems.length > 0) {
      const started = [...next.values()].filter((entry) => ![...this.live.values()].includes(entry));
      await Promise.all([vetted.abort(), ...started.map((entry) => entry.served.close())]);
      return { ...summary, refused: vetted.problems };
    }
    vetted?.commit();
    for (const [name, entry] of this.live) {
      if (next.get(name) === entry) continue;
      if (!next.has(name)) summary.removed.push(name);
      this.drain(entry);
    }
    this.live = next;
    return summary;
  }

  /** Closes every server, live and draining. */
  async close(): Promise<void> {
    await Promise.all(this.allEntries.map((entry) => entry.served.close()));
  }

  private async start(server: GatewayServer): Promise<RoutedEntry | undefined> {
    const log = this.parts.log.child({ server: server.name });
    try {
      return this.routed(server, await startEntryChildren(server, log));
    } catch (error) {
      log.error('could not start the server; keeping what was running', { error: (error as Error).message });
      return undefined;
    }
  }

  private routed(server: GatewayServer, children: ServerChildren): RoutedEntry {
    const metrics = this.parts.metrics.forServer(server.name);
    children.metricsObserver.attach(metrics);
    const running = serveEntry(server, children, this.parts.modules, this.parts.baseUrl, metrics, this.parts.log);
    return { ...running, router: this.parts.route(running) };
  }

  private drain(entry: RoutedEntry): void {
    this.draining.add(entry);
    void entry.served.drain(drainGraceMs).finally(() => this.draining.delete(entry));
  }
}
