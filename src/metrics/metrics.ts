// Prometheus metrics (prom-client): observes the relay and the children and serves the text
// exposition.
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ChildObserver, Direction, ProcessExit, RelayObserver, RequestOutcome } from '../core/observers.js';
import { errorCodeLabel, exitCodeLabel, methodLabel } from './labels.js';
import { registerSampledGauges, type MetricsSources } from './sampled.js';
import { Tally } from './tally.js';
import { FastHistogram, type HistogramSeries } from './histogram.js';

export type { MetricsSources, ServerSample } from './sampled.js';

// Seconds; MCP calls range from a quick ping to tool calls that run for minutes.
const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

function messageKind(message: JSONRPCMessage): 'request' | 'notification' | 'response' {
  if (!('method' in message)) return 'response';
  return 'id' in message && message.id !== undefined ? 'request' : 'notification';
}

/** The `server` label of a gateway's server, or none for the one server of --stdio. */
type ServerLabels = { server?: string };

/** What one server's relays and children report to: the metrics with its `server` label set. */
export type ServerObserver = RelayObserver & ChildObserver;

/**
 * The bridge's Prometheus metrics, in a registry of its own (never prom-client's global one, so
 * two bridges in one process do not clash), plus Node's default process metrics. It is the relays'
 * and the children's observer (forServer gives one per server of a gateway, with a `server` label);
 * the HTTP layer reports rejected requests with `rejected(reason)`.
 */
export class BridgeMetrics implements ServerObserver {
  readonly registry = new Registry();

  private readonly children: Gauge<'server'>;
  private readonly childStarts: Counter<'server'>;
  private readonly childStartFailures: Counter<'server'>;
  private readonly childExits: Counter<'code' | 'signal' | 'server'>;
  private readonly restarts: Counter<'server'>;
  private readonly messages: Counter<'direction' | 'kind' | 'server'>;
  private readonly byteCount: Counter<'direction' | 'server'>;
  private readonly errors: Counter<'source' | 'code' | 'server'>;
  private readonly latency: FastHistogram;
  private readonly queued: Gauge<'server'>;
  private readonly queueWait: Histogram<'server'>;
  private readonly rejections: Counter<'reason'>;
  private readonly forwards: Counter;
  private readonly unnamed: ServerObserver;
  // Messages and bytes are counted per message: in plain numbers, handed over at scrape time.
  private readonly messageTally = new Tally(() => this.messages);
  private readonly byteTally = new Tally(() => this.byteCount);

  constructor(sources: MetricsSources, { defaultMetrics = true }: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
    registerSampledGauges(this.registry, sources);
    const server = ['server'] as const;
    this.children = new Gauge({ name: 'mcp_bridge_children', help: 'MCP server processes alive', labelNames: server, registers });
    this.childStarts = new Counter({ name: 'mcp_bridge_child_starts_total', help: 'MCP server processes spawned', labelNames: server, registers });
    this.childStartFailures = new Counter({
      name: 'mcp_bridge_child_start_failures_total',
      help: 'MCP server starts that failed: the command could not be spawned, or the process ended by itself before its first message',
      labelNames: server,
      registers,
    });
    this.childExits = new Counter({
      name: 'mcp_bridge_child_exits_total',
      help: 'MCP server processes that ended, by exit code or by signal',
      labelNames: ['code', 'signal', ...server],
      registers,
    });
    this.restarts = new Counter({ name: 'mcp_bridge_child_restarts_total', help: 'Shared MCP server processes restarted by the bridge', labelNames: server, registers });
    const [messageTally, byteTally] = [this.messageTally, this.byteTally];
    this.messages = new Counter({
      name: 'mcp_bridge_messages_total',
      help: 'JSON-RPC messages relayed, by direction and kind (request, notification, response)',
      labelNames: ['direction', 'kind', ...server],
      registers,
      collect: () => messageTally.flush(),
    });
    this.byteCount = new Counter({
      name: 'mcp_bridge_bytes_total',
      help: "Bytes written to MCP servers' stdin (client_to_server) and read from their stdout (server_to_client)",
      labelNames: ['direction', ...server],
      registers,
      collect: () => byteTally.flush(),
    });
    this.errors = new Counter({
      name: 'mcp_bridge_jsonrpc_errors_total',
      help: 'Client requests answered with a JSON-RPC error, by who answered (server or bridge) and error code',
      labelNames: ['source', 'code', ...server],
      registers,
    });
    this.latency = new FastHistogram(
      'mcp_bridge_request_duration_seconds',
      'Time from a client request reaching the bridge to its answer leaving it, by MCP method',
      latencyBuckets,
      registers,
    );
    this.queued = new Gauge({ name: 'mcp_bridge_queued_requests', help: 'Requests waiting for a free slot of their MCP server process (--maxInFlight)', labelNames: server, registers });
    this.queueWait = new Histogram({
      name: 'mcp_bridge_queue_wait_seconds',
      help: 'Time a request waited in the queue before going to its MCP server process (--maxInFlight)',
      labelNames: server,
      buckets: latencyBuckets,
      registers,
    });
    this.rejections = new Counter({
      name: 'mcp_bridge_http_rejected_total',
      help: 'HTTP requests answered with an error by the bridge, by reason (the error catalogue code)',
      labelNames: ['reason'],
      registers,
    });
    this.forwards = new Counter({ name: 'mcp_bridge_forwarded_total', help: 'Requests forwarded to the replica owning their session (scale-out)', registers });
    this.unnamed = this.forServer(undefined);
  }

  /** The observer of one server of a gateway: everything it reports carries `server="NAME"` (none for `undefined`). */
  forServer(name: string | undefined): ServerObserver {
    const base: ServerLabels = name === undefined ? {} : { server: name };
    // Both directions from the start, so that rate() has a series before the first byte moves.
    for (const direction of ['client_to_server', 'server_to_client'] as const) this.byteCount.inc({ ...base, direction }, 0);
    const kinds = (direction: Direction) => ({
      request: this.messageTally.series({ ...base, direction, kind: 'request' }),
      notification: this.messageTally.series({ ...base, direction, kind: 'notification' }),
      response: this.messageTally.series({ ...base, direction, kind: 'response' }),
    });
    const messages = { client_to_server: kinds('client_to_server'), server_to_client: kinds('server_to_client') };
    // One series per method label (a bounded set), found by its label alone.
    const latencies = new Map<string, HistogramSeries>();
    const latencyOf = (method: string): HistogramSeries => {
      let series = latencies.get(method);
      if (!series) latencies.set(method, (series = this.latency.series({ ...base, method })));
      return series;
    };
    const bytes = { client_to_server: this.byteTally.series({ ...base, direction: 'client_to_server' }), server_to_client: this.byteTally.series({ ...base, direction: 'server_to_client' }) };
    return {
      message: (direction, message) => void messages[direction][messageKind(message)].count++,
      requestDone: (method, seconds, outcome) => {
        latencyOf(methodLabel(method)).observe(seconds);
        if (outcome.errorCode !== undefined) this.errors.inc({ ...base, source: outcome.source, code: errorCodeLabel(outcome.errorCode) });
      },
      spawned: () => {
        this.childStarts.inc(base);
        this.children.inc(base);
      },
      firstMessage: () => {},
      restarted: () => this.restarts.inc(base),
      startFailed: () => this.childStartFailures.inc(base),
      exited: ({ code, signal }: ProcessExit) => {
        this.children.dec(base);
        this.childExits.inc({ ...base, ...(signal ? { signal } : { code: code === null ? 'other' : exitCodeLabel(code) }) });
      },
      bytes: (direction, count) => void (bytes[direction].count += count),
      queueChanged: (delta) => this.queued.inc(base, delta),
      queueWaited: (seconds) => this.queueWait.observe(base, seconds),
    };
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

  /** Counts a request forwarded to the replica that owns its session. */
  forwarded(): void {
    this.forwards.inc();
  }

  message(direction: Direction, message: JSONRPCMessage): void {
    this.unnamed.message(direction, message);
  }
  requestDone(method: string, seconds: number, outcome: RequestOutcome): void {
    this.unnamed.requestDone(method, seconds, outcome);
  }
  spawned(pid: number): void {
    this.unnamed.spawned(pid);
  }
  firstMessage(): void {}
  restarted(): void {
    this.unnamed.restarted();
  }
  startFailed(detail: string): void {
    this.unnamed.startFailed(detail);
  }
  exited(exit: ProcessExit): void {
    this.unnamed.exited(exit);
  }
  bytes(direction: Direction, count: number): void {
    this.unnamed.bytes(direction, count);
  }
  queueChanged(delta: number): void {
    this.unnamed.queueChanged(delta);
  }
  queueWaited(seconds: number): void {
    this.unnamed.queueWaited(seconds);
  }
}
