// A histogram whose series are counted in plain numbers: prom-client's `observe` hashes and
// validates its labels on every call, a cost paid once per request on the relay's path.
import type { Registry } from 'prom-client';

type Labels = Readonly<Record<string, string>>;

/** One exported value, in prom-client's shape: `labels` are the bucket's (`le`), `sharedLabels` the series'. */
interface ValuePair {
  labels: Record<string, string | number>;
  sharedLabels: Labels;
  value: number;
  metricName: string;
  /** Always empty (no exemplars are kept): null on buckets, undefined on sum and count, as prom-client has it. */
  exemplar: null | undefined;
}

/** One series of a FastHistogram: observe() is a bucket search and three additions. */
export class HistogramSeries {
  /** Observations per bucket, not cumulative; the last slot is beyond every bound (+Inf). */
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(
    readonly labels: Labels,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Counts one observation of `value` (seconds, say). */
  observe(value: number): void {
    let bucket = 0;
    while (bucket < this.bounds.length && value > this.bounds[bucket]!) bucket++;
    this.counts[bucket]!++;
    this.sum += value;
    this.count++;
  }

  get observed(): boolean {
    return this.count > 0;
  }

  /** The series as prom-client exports a histogram's: cumulative buckets, then +Inf, sum and count. */
  values(name: string): ValuePair[] {
    let cumulative = 0;
    const pairs = this.bounds.map((bound, index): ValuePair => {
      cumulative += this.counts[index]!;
      return { labels: { le: bound }, sharedLabels: this.labels, value: cumulative, metricName: `${name}_bucket`, exemplar: null };
    });
    pairs.push({ labels: { le: '+Inf' }, sharedLabels: this.labels, value: this.count, metricName: `${name}_bucket`, exemplar: null });
    pairs.push({ labels: {}, sharedLabels: this.labels, value: this.sum, metricName: `${name}_sum`, exemplar: undefined });
    pairs.push({ labels: {}, sharedLabels: this.labels, value: this.count, metricName: `${name}_count`, exemplar: undefined });
    return pairs;
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

/**
 * A Prometheus histogram registered in a prom-client Registry and exported exactly as prom-client's
 * Histogram is (text and JSON, so that the cluster's AggregatorRegistry sums it), whose series are
 * made once with series(labels) and observed without hashing labels. A series appears in the
 * export from its first observation, as with prom-client.
 */
export class FastHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly seriesByKey = new Map<string, HistogramSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registers: readonly Registry[],
  ) {
    for (const registry of registers) registry.registerMetric(this as never);
  }

  /** The series with these labels (the same one for the same labels). */
  series(labels: Labels): HistogramSeries {
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    let series = this.seriesByKey.get(key);
    if (!series) this.seriesByKey.set(key, (series = new HistogramSeries(labels, this.bounds)));
    return series;
  }

  /** What the registry's text export reads. */
  async getForPromString(): Promise<{ name: string; help: string; type: string; values: ValuePair[]; aggregator: string }> {
    const values = [...this.seriesByKey.values()].filter((series) => series.observed).flatMap((series) => series.values(this.name));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** What the registry's JSON export reads: each value's labels with its series' labels merged in. */
  async get(): Promise<{ name: string; help: string; type: string; values: unknown[]; aggregator: string }> {
    const data = await this.getForPromString();
    const values = data.values.map(({ labels, sharedLabels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } }));
    return { ...data, values };
  }

  reset(): void {
    for (const series of this.seriesByKey.values()) series.reset();
  }
}
