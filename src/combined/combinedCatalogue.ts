// Every server's catalogue, in file order, as the combined endpoint sees them: the current view,
// one debounced list_changed for every change, and the swap a reload makes (vetted for collisions first).
import type { UpstreamFactory } from '../core/gateway.js';
import type { Logger } from '../shared/log.js';
import { ServerCatalogue, type CatalogueState, type ListKind } from './catalogue.js';
import type { CombinedOptions } from './options.js';
import { CombinedView } from './view.js';

/** One server as the combined endpoint uses it. */
export interface CombinedMember {
  readonly name: string;
  /** A client session's own upstream to this server (a per-session child, a session on the shared pool, a remote session). */
  readonly upstream: UpstreamFactory;
  /** The same for the virtual sessions of 2026-07-28 requests (children spawned ahead, as on the server's own route). */
  readonly virtualUpstream: UpstreamFactory;
  /** The catalogue's connection (a plain child, a session on the shared pool, a remote session). */
  readonly catalogueUpstream: UpstreamFactory;
}

/** A set of servers whose catalogues have been read once, to be checked and then adopted or dropped. */
export interface PreparedMembers {
  /** Collisions among the names the servers offer (each naming both servers); empty when it can be adopted. */
  readonly problems: string[];
  commit(): void;
  abort(): Promise<void>;
}

/**
 * How long a start or reload waits for new servers' first listing (5 s): a server slower than that
 * (a remote that is unreachable, a slow start) joins the combined endpoint when it is listed, and a
 * collision it brings is then logged instead of refused.
 */
export const firstListingWaitMs = 5_000;

/** How long list changes are gathered before one list_changed per kind goes out (100 ms). */
export const listChangedDebounceMs = 100;

/** What a server is on the combined endpoint, for GET /servers. */
export interface CombinedServerStatus {
  state: CatalogueState;
  error?: string;
  offered: Record<ListKind, string[]>;
}

interface Held {
  readonly member: CombinedMember;
  readonly catalogue: ServerCatalogue;
}

/** The catalogues of a gateway's servers and the view built from them. */
export class CombinedCatalogue {
  private held: Held[] = [];
  private options: CombinedOptions = { separator: '__', servers: {} };
  private current: CombinedView | undefined;
  private readonly listeners = new Set<(kinds: ReadonlySet<ListKind>) => void>();
  private readonly gathered = new Set<ListKind>();
  private timer: NodeJS.Timeout | undefined;
  private readonly reported = new Set<string>();

  constructor(private readonly log: Logger) {}

  /** The offer right now (rebuilt after every change). */
  get view(): CombinedView {
    if (!this.current) {
      this.current = new CombinedView(this.held.map(({ catalogue }) => catalogue), this.options);
      for (const problem of this.current.problems) {
        if (this.reported.has(problem)) continue;
        this.reported.add(problem);
        this.log.error(`${problem}; the first server in the file keeps the name`);
      }
    }
    return this.current;
  }

  /** Servers in file order. */
  get members(): readonly CombinedMember[] {
    return this.held.map(({ member }) => member);
  }

  /** The member and catalogue of server `name`. */
  find(name: string): Held | undefined {
    return this.held.find(({ member }) => member.name === name);
  }

  /** Listens for combined list changes (one call per debounce window, with the kinds that changed); returns the way to stop. */
  onListChanged(listener: (kinds: ReadonlySet<ListKind>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Reads the catalogues of the servers in `members` that are new (a server whose upstream is the
   * same keeps its catalogue) and checks what they would offer together under `options`.
   */
  async prepare(members: readonly CombinedMember[], options: CombinedOptions): Promise<PreparedMembers> {
    const fresh: ServerCatalogue[] = [];
    const next: Held[] = members.map((member) => {
      const kept = this.held.find((held) => held.member.name === member.name && held.member.upstream === member.upstream);
      if (kept) return { member, catalogue: kept.catalogue };
      const catalogue = new ServerCatalogue(member.name, member.catalogueUpstream, this.log.child({ server: member.name }), (_server, kinds) => this.changed(catalogue, kinds));
      fresh.push(catalogue);
      return { member, catalogue };
    });
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, firstListingWaitMs)));
    await Promise.race([Promise.all(fresh.map((catalogue) => catalogue.start())), bound]);
    clearTimeout(timer);
    const problems = new CombinedView(next.map(({ catalogue }) => catalogue), options).problems;
    return {
      problems,
      commit: () => {
        const dropped = this.held.filter((held) => !next.some((kept) => kept.catalogue === held.catalogue));
        this.held = next;
        this.options = options;
        for (const { catalogue } of dropped) void catalogue.close();
        this.current = undefined;
        this.gather(['tools', 'prompts', 'resources', 'resourceTemplates']);
      },
      abort: async () => void (await Promise.all(fresh.map((catalogue) => catalogue.close()))),
    };
  }

  /** Each server's state and offered names, by name. */
  status(): Record<string, CombinedServerStatus> {
    const view = this.view;
    return Object.fromEntries(
      this.held.map(({ member, catalogue }) => [member.name, { state: catalogue.state, ...(catalogue.downReason && { error: catalogue.downReason }), offered: view.offeredNames(member.name) }]),
    );
  }

  /** Logs a warning the first time it is given (an ambiguous URI is said once, not at every read). */
  warnOnce(message: string): void {
    if (this.reported.has(message)) return;
    this.reported.add(message);
    this.log.warn(message);
  }

  /** Stops every catalogue's connection. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.listeners.clear();
    await Promise.all(this.held.map(({ catalogue }) => catalogue.close()));
  }

  private changed(catalogue: ServerCatalogue, kinds: readonly ListKind[]): void {
    if (!this.held.some((held) => held.catalogue === catalogue)) return; // not adopted (yet): the commit says it
    this.current = undefined;
    void this.view; // collisions are logged when they appear, not when a client next lists
    this.gather(kinds);
  }

  private gather(kinds: readonly ListKind[]): void {
    for (const kind of kinds) this.gathered.add(kind);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const kinds = new Set(this.gathered);
      this.gathered.clear();
      for (const listener of this.listeners) listener(kinds);
    }, listChangedDebounceMs);
    this.timer.unref();
  }
}
