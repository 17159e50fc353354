// The primary of --workers N: forks N workers that share the listening socket (the cluster module
// hands connections out round-robin), keeps their registry when there is no Redis, replaces a
// worker that dies, and drains them all when asked.
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../shared/log.js';
import { isRegistryMessage, type RegistryMessage } from './workerRegistry.js';

/** A crashed worker is replaced after this long (1 s), so a worker that cannot start does not spin. */
const respawnDelayMs = 1000;

/**
 * Runs the workers. `env` is added to theirs (the cluster secret, so that all of them sign alike).
 * Each worker registers its own loopback address with the primary (see WorkerRegistry), which
 * sends the whole table to every worker when it changes; a worker that exits leaves it.
 */
export class WorkerPrimary {
  private readonly table = new Map<string, string>();
  private readonly replicaOf = new Map<number, string>();
  private draining = false;
  private readonly allExited: Promise<void>;
  private resolveExited!: () => void;

  constructor(
    private readonly count: number,
    private readonly env: Readonly<Record<string, string>>,
    private readonly log: Logger,
  ) {
    this.allExited = new Promise((resolve) => (this.resolveExited = resolve));
  }

  /** Forks the workers. */
  start(): void {
    for (let i = 0; i < this.count; i++) this.fork();
    this.log.info(`started ${this.count} workers sharing one port`);
  }

  /** Asks every worker to drain (each leaves the registry, finishes what is in flight and exits); resolves once all have exited. */
  drain(): Promise<void> {
    this.draining = true;
    for (const worker of Object.values(cluster.workers ?? {})) if (worker?.isConnected()) worker.send({ mcpBridge: 'drain' } satisfies RegistryMessage);
    if (this.liveWorkers() === 0) this.resolveExited();
    return this.allExited;
  }

  private liveWorkers(): number {
    return Object.values(cluster.workers ?? {}).filter((worker) => worker && !worker.isDead()).length;
  }

  private fork(): void {
    const worker = cluster.fork(this.env);
    worker.on('message', (message: unknown) => isRegistryMessage(message) && this.receive(worker, message));
    worker.once('exit', (code, signal) => this.workerExited(worker, code, signal));
  }

  private receive(worker: Worker, message: RegistryMessage): void {
    if (message.mcpBridge === 'join') {
      this.replicaOf.set(worker.id, message.replica);
      this.table.set(message.replica, message.url);
    } else if (message.mcpBridge === 'leave') {
      this.table.delete(message.replica);
    } else return;
    this.broadcast();
  }

  private workerExited(worker: Worker, code: number | null, signal: string | null): void {
    const replica = this.replicaOf.get(worker.id);
    this.replicaOf.delete(worker.id);
    if (replica !== undefined && this.table.delete(replica)) this.broadcast();
    if (this.draining) {
      if (this.liveWorkers() === 0) this.resolveExited();
      return;
    }
    this.log.error('a worker exited; starting another', { pid: worker.process.pid, code, signal });
    setTimeout(() => !this.draining && this.fork(), respawnDelayMs).unref();
  }

  private broadcast(): void {
    const message: RegistryMessage = { mcpBridge: 'table', table: Object.fromEntries(this.table) };
    for (const worker of Object.values(cluster.workers ?? {})) if (worker?.isConnected()) worker.send(message);
  }
}
