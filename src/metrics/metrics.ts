// Prometheus metrics (prom-client): observes the relay and the children and serves the text
// exposition.
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SessionKind } from '../core/sessions.js';
import type { ChildObserver, Direction, ProcessExit, RelayObserver, RequestOutcome } from '../core/observers.js';
import { errorCodeLabel, exitCodeLabel, methodLabel } from './labels.js';

/** What the metrics read when scraped rather than being told. */
export interface MetricsSources {
  /** Live sessions of one transport. */
  sessions(kind: SessionKind): number;
  /** 1 while /readyz would answer 200. */
  ready(): boolean;
  /** Shared session mode: requests in flight on each shared child, by index (default: no such gauge). */
  childLoads?(): number[];
}

const sessionKinds: readonly SessionKind[] = ['sse', 'streamableHttp', 'stateless'];

// Seconds; MCP calls range from a quick ping to tool calls that run for minutes.
const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

function messageKind(message: JSONRPCMessage): 'request' | 'notification' | 'response' {
  if (!('method' in message)) return 'response';
  return 'id' in message && message.id !== undefined ? 'request' : 'notification';
}

/**
 * The bridge's Prometheus metrics, in a registry of its own (never prom-client's global one, so
 * two bridges in one process do not clash), plus Node's default process metrics. It is the relays'
 * and the children's observer; the HTTP layer reports rejected requests with `rejected(reason)`.
 */
export class BridgeMetrics implements RelayObserver, ChildObserver {
  readonly registry = new Registry();

  private readonly children: Gauge;
  private readonly childStarts: Counter;
  private readonly childStartFailures: Counter;
  private readonly childExits: Counter<'code' | 'signal'>;
  private readonly messages: Counter<'direction' | 'kind'>;
  private readonly byteCount: Counter<'direction'>;
  private readonly errors: Counter<'source' | 'code'>;
  private readonly latency: Histogram<'method'>;
  private readonly rejections: Counter<'reason'>;
  private readonly restarts: Counter;

  constructor(sources: MetricsSources, { defaultMetrics = true }: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'mcp_bridge_sessions',
      help: 'Live client sessions by downstream transport',
      labelNames: ['transport'],
      registers,
      collect() {
        for (const kind of sessionKinds) this.set({ transport: kind }, sources.sessions(kind));
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
    this.children = new Gauge({ name: 'mcp_bridge_children', help: 'MCP server processes alive', registers });
    this.childStarts = new Counter({ name: 'mcp_bridge_child_starts_total', help: 'MCP server processes spawned', registers });
    this.childStartFailures = new Counter({
      name: 'mcp_bridge_child_start_failures_total',
      help: 'MCP server starts that failed: the command could not be spawned, or the process ended by itself before its first message',
      registers,
    });
    this.childExits = new Counter({
      name: 'mcp_bridge_child_exits_total',
      help: 'MCP server processes that ended, by exit code or by signal',
      labelNames: ['code', 'signal'],
      registers,
    });
    this.restarts = new Counter({ name: 'mcp_bridge_child_restarts_total', help: 'Shared MCP server processes restarted by the bridge', registers });
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
    this.messages = new Counter({
      name: 'mcp_bridge_messages_total',
      help: 'JSON-RPC messages relayed, by direction and kind (request, notification, response)',
      labelNames: ['direction', 'kind'],
      registers,
    });
    this.byteCount = new Counter({
      name: 'mcp_bridge_bytes_total',
      help: "Bytes written to MCP servers' stdin (client_to_server) and read from their stdout (server_to_client)",
      labelNames: ['direction'],
      registers,
    });
    this.errors = new Counter({
      name: 'mcp_bridge_jsonrpc_errors_total',
      help: 'Client requests answered with a JSON-RPC error, by who answered (server or bridge) and error code',
      labelNames: ['source', 'code'],
      registers,
    });
    this.latency = new Histogram({
      name: 'mcp_bridge_request_duration_seconds',
      help: 'Time from a client request reaching the bridge to its answer leaving it, by MCP method',
      labelNames: ['method'],
      buckets: latencyBuckets,
      registers,
    });
    this.rejections = new Counter({
      name: 'mcp_bridge_http_rejected_total',
      help: 'HTTP requests answered with an error by the bridge, by reason (the error catalogue code)',
      labelNames: ['reason'],
      registers,
    });
    // Both directions from the start, so that rate() has a series before the first byte moves.
    for (const direction of ['client_to_server', 'server_to_client'] as const) this.byteCount.inc({ direction }, 0);
  }

  /** The exposition format's content type, for the HTTP response. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The metrics in Prometheus text format. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  /** Counts an HTTP request the bridge refused; `reason` is a catalogue code such as BODY_TOO_LARGE. */
  rejected(reason: string): void {
    this.rejections.inc({ reason });
  }

  message(direction: Direction, message: JSONRPCMessage): void {
    this.messages.inc({ direction, kind: messageKind(message) });
  }

  requestDone(method: string, seconds: number, outcome: RequestOutcome): void {
    this.latency.observe({ method: methodLabel(method) }, seconds);
    if (outcome.errorCode !== undefined) this.errors.inc({ source: outcome.source, code: errorCodeLabel(outcome.errorCode) });
  }

  spawned(): void {
    this.childStarts.inc();
    this.children.inc();
  }

  firstMessage(): void {}

  restarted(): void {
    this.restarts.inc();
  }

  startFailed(): void {
    this.childStartFailures.inc();
  }

  exited({ code, signal }: ProcessExit): void {
    this.children.dec();
    this.childExits.inc(signal ? { signal } : { code: code === null ? 'other' : exitCodeLabel(code) });
  }

  bytes(direction: Direction, count: number): void {
    this.byteCount.inc({ direction }, count);
  }
}
