// Names on the combined endpoint: a server's tool, prompt or resource template `name` is offered as
// `prefix + separator + name` (just `name` with an empty prefix), and offered names are resolved back
// through a table built from the catalogues, never by splitting strings (a prefix may hold the separator).

/** The name an entry of a server is offered under: `prefix + separator + name`, or `name` alone when the prefix is empty. */
export function offeredName(prefix: string, separator: string, name: string): string {
  return prefix === '' ? name : `${prefix}${separator}${name}`;
}

/**
 * Prefixes that collide whatever the servers list: two servers with the same non-empty prefix (each
 * problem names both servers). Empty prefixes are allowed on several servers; what they offer is
 * checked once their catalogues are known.
 */
export function prefixCollisions(members: readonly { name: string; prefix: string }[]): string[] {
  const byPrefix = new Map<string, string>();
  const problems: string[] = [];
  for (const { name, prefix } of members) {
    if (prefix === '') continue;
    const first = byPrefix.get(prefix);
    if (first !== undefined) problems.push(`servers "${first}" and "${name}" both have the prefix "${prefix}", so their names would collide on the combined endpoint`);
    else byPrefix.set(prefix, name);
  }
  return problems;
}

/** Where an offered name leads: the server and the name it has there. */
export interface NameTarget {
  readonly server: string;
  readonly name: string;
}

/** Two servers offering the same name: the first (in file order) keeps it. */
export interface NameCollision {
  readonly offered: string;
  readonly kept: string;
  readonly dropped: string;
}

/**
 * Offered names of one kind (tools, prompts or templates) → their server and own name. Servers are
 * added in file order, so on a collision the first server keeps the name and the collision is recorded.
 */
export class NameTable {
  private readonly targets = new Map<string, NameTarget>();
  readonly collisions: NameCollision[] = [];

  /** Adds `server`'s entry `name` offered as `offered`; false when another server already offers it. */
  add(offered: string, server: string, name: string): boolean {
    const existing = this.targets.get(offered);
    if (existing && existing.server !== server) {
      this.collisions.push({ offered, kept: existing.server, dropped: server });
      return false;
    }
    this.targets.set(offered, { server, name });
    return true;
  }

  /** The server and own name behind `offered`, if any server offers it. */
  resolve(offered: string): NameTarget | undefined {
    return this.targets.get(offered);
  }
}

/** The problem a collision is reported as (start, reload, log): it names both servers. */
export function describeCollision(kind: string, collision: NameCollision): string {
  return `${kind} "${collision.offered}" is offered by both servers "${collision.kept}" and "${collision.dropped}" on the combined endpoint; give one of them another "prefix"`;
}
