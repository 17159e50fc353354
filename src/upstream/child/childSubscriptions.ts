/**
 * Resource subscriptions of many sessions on shared servers, counted per URI: the server holding a
 * URI is asked to subscribe for its first subscriber and to unsubscribe after its last one, and
 * `notifications/resources/updated` for it goes only to its subscribers.
 */
export class Subscriptions<S, C> {
  private readonly byUri = new Map<string, { holder: C; sessions: Set<S> }>();

  /** Adds `session` to `uri`; true when it is the URI's first subscriber (the caller then asks `holder`). */
  add(uri: string, session: S, holder: () => C): { first: boolean; holder: C } {
    const existing = this.byUri.get(uri);
    if (existing) {
      existing.sessions.add(session);
      return { first: false, holder: existing.holder };
    }
    const created = { holder: holder(), sessions: new Set([session]) };
    this.byUri.set(uri, created);
    return { first: true, holder: created.holder };
  }

  /** Forgets `uri` altogether (its server refused the subscription). */
  drop(uri: string): void {
    this.byUri.delete(uri);
  }

  /**
   * Removes `session` from `uri`; returns the server to unsubscribe when it was the last subscriber,
   * `undefined` otherwise (also when it was not subscribed).
   */
  remove(uri: string, session: S): C | undefined {
    const entry = this.byUri.get(uri);
    if (!entry?.sessions.delete(session) || entry.sessions.size > 0) return undefined;
    this.byUri.delete(uri);
    return entry.holder;
  }

  /** Removes `session` from every URI; returns the URIs (with their server) that lost their last subscriber. */
  removeSession(session: S): { uri: string; holder: C }[] {
    const emptied: { uri: string; holder: C }[] = [];
    for (const uri of [...this.byUri.keys()]) {
      const holder = this.remove(uri, session);
      if (holder !== undefined) emptied.push({ uri, holder });
    }
    return emptied;
  }

  /** Whether `session` subscribed to `uri`. */
  has(uri: string, session: S): boolean {
    return this.byUri.get(uri)?.sessions.has(session) ?? false;
  }

  /** The sessions subscribed to `uri`. */
  subscribers(uri: string): Iterable<S> {
    return this.byUri.get(uri)?.sessions ?? [];
  }

  /** The URIs `holder` holds (to subscribe again after it restarted). */
  heldBy(holder: C): string[] {
    return [...this.byUri].filter(([, entry]) => entry.holder === holder).map(([uri]) => uri);
  }
}
