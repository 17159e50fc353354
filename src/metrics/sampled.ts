// The gauges read when metrics are scraped rather than told: live sessions, readiness, each shared
// child's load and the servers' resident memory, by server in gateway mode.
import { Gauge, type Registry } from 'prom-client';
import type { SessionKind } from '../core/sessions.js';
import { sampleResidentBytes } from './residentMemory.js';

/** One served server as the scrape reads it. */
export interface ServerSample {
  /** The server's name (gateway mode): the `server` label; none for the one server of --stdio. */
  readonly name?: string;
  /** Live sessions of one transport. */
  sessions(kind: SessionKind): number;
  /** Pids of its processes alive now (each leads its process group). */
  childPids(): Iterable<number>;
}

/** What the metrics read when scraped rather than being told. */
export interface MetricsSources {
  /** Every server served (forward mode: one, unnamed). */
  servers(): Iterable<ServerSample>;
  /** 1 while /readyz would answer 200. */
  ready(): boolean;
  /** Shared session mode: requests in flight on each shared child, by index (default: no such gauge). */
  childLoads?(): number[];
}

const sessionKinds: readonly SessionKind[] = ['sse', 'streamableHttp', 'stateless'];

function serverLabels(sample: ServerSample): { server?: string } {
  return sample.name === undefined ? {} : { server: sample.name };
}

/** Registers the sampled gauges in `registry`. */
export function registerSampledGauges(registry: Registry, sources: MetricsSources): void {
  const registers = [registry];
  new Gauge({
    name: 'mcp_bridge_sessions',
    help: 'Live client sessions by downstream transport (and server, in gateway mode)',
    labelNames: ['transport', 'server'],
    registers,
    collect() {
      // Reset first: a server removed by a reload must not keep reporting its last count.
      this.reset();
      for (const sample of sources.servers()) for (const kind of sessionKinds) this.inc({ ...serverLabels(sample), transport: kind }, sample.sessions(kind));
    },
  });
  new Gauge({
    name: 'mcp_bridge_ready',
    help: '1 while /readyz answers 200, 0 while it answers 503',
    registers,
    collect() {
      this.set(sources.ready() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'mcp_bridge_child_resident_bytes',
    help: "Resident memory of the MCP server processes (each with its process group), sampled from /proc (and by server, in gateway mode)",
    labelNames: ['server'],
    registers,
    collect() {
      this.reset();
      const resident = sampleResidentBytes();
      for (const sample of sources.servers()) this.inc(serverLabels(sample), resident(sample.childPids()));
    },
  });
  if (sources.childLoads) {
    const loads = sources.childLoads.bind(sources);
    new Gauge({
      name: 'mcp_bridge_child_in_flight',
      help: 'Requests in flight on each shared MCP server (shared session mode), by child index',
      labelNames: ['child'],
      registers,
      collect() {
        loads().forEach((load, index) => this.set({ child: String(index) }, load));
      },
    });
  }
}
