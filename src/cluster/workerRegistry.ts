// The replica registry of --workers without Redis, worker side: the primary keeps the table of
// live workers and sends it to every worker over the cluster module's IPC channel whenever it
// changes; a worker registers its own loopback address there.
import cluster from 'node:cluster';
import type { RegistryStatus, ReplicaRegistry } from './registry.js';

/** The messages of the workers' registry, both directions (tagged so no other IPC use mistakes them). */
export type RegistryMessage =
  | { readonly mcpBridge: 'join'; readonly replica: string; readonly url: string }
  | { readonly mcpBridge: 'leave'; readonly replica: string }
  | { readonly mcpBridge: 'table'; readonly table: Record<string, string> }
  | { readonly mcpBridge: 'drain' };

/** True for a message of the workers' registry. */
export function isRegistryMessage(message: unknown): message is RegistryMessage {
  return typeof (message as { mcpBridge?: unknown } | null)?.mcpBridge === 'string';
}

/** True in a worker process started by the primary of --workers. */
export function isWorker(): boolean {
  return cluster.isWorker;
}

/** How long a worker waits for the primary to confirm its registration (the table naming it). */
const joinTimeoutMs = 5000;

/** A worker's view of the primary's table; `ondrain` is called when the primary asks it to drain, or is gone. */
export class WorkerRegistry implements ReplicaRegistry {
  private table: Record<string, string> = {};
  private readonly waiters = new Set<() => void>();
  /** Called when the primary asks every worker to drain (SIGTERM to the primary). */
  ondrain: (() => void) | undefined;

  constructor(private readonly replica: string) {
    cluster.worker?.on('message', (message: unknown) => {
      if (!isRegistryMessage(message)) return;
      if (message.mcpBridge === 'drain') return this.ondrain?.();
      if (message.mcpBridge !== 'table') return;
      this.table = message.table;
      for (const wake of this.waiters) wake();
    });
    // A primary that is gone can no longer drain its workers: each drains itself.
    cluster.worker?.once('disconnect', () => this.ondrain?.());
  }

  async join(url: string): Promise<void> {
    const joined = new Promise<void>((resolve) => {
      const timer = setTimeout(done, joinTimeoutMs);
      const waiters = this.waiters;
      function done(): void {
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      }
      const check = (): void => void (this.table[this.replica] === url && done());
      waiters.add(check);
    });
    this.send({ mcpBridge: 'join', replica: this.replica, url });
    await joined;
  }

  async addressOf(replica: string): Promise<string | undefined> {
    return this.table[replica];
  }

  status(): RegistryStatus {
    const connected = cluster.worker?.isConnected() ?? false;
    return { replica: this.replica, registry: 'workers', state: connected ? 'ok' : 'unreachable', replicas: Object.keys(this.table).length };
  }

  async leave(): Promise<void> {
    this.send({ mcpBridge: 'leave', replica: this.replica });
  }

  async close(): Promise<void> {}

  private send(message: RegistryMessage): void {
    if (cluster.worker?.isConnected()) cluster.worker.send(message);
  }
}
