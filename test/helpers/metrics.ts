/** Reads a bridge's /metrics (Prometheus text format) so tests can assert on counters and gauges. */

/** One sample: metric name, its labels and value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments skipped). */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The scraped metrics of a bridge, with a way to sum the series that match some labels. */
export class Scrape {
  constructor(readonly samples: Sample[]) {}

  /** Sum of every series of `name` whose labels include `labels` (0 when there is none). */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.samples
      .filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value))
      .reduce((sum, s) => sum + s.value, 0);
  }
}

/** GETs `{baseUrl}/metrics` (with `headers`, e.g. the API key) and parses it; throws unless it answers 200 in the text format. */
export async function scrape(baseUrl: string, headers: Record<string, string> = {}): Promise<Scrape> {
  const response = await fetch(`${baseUrl}/metrics`, { headers });
  const text = await response.text();
  if (response.status !== 200 || !(response.headers.get('content-type') ?? '').startsWith('text/plain')) {
    throw new Error(`/metrics answered ${response.status} ${response.headers.get('content-type')}: ${text.slice(0, 200)}`);
  }
  return new Scrape(parseMetrics(text));
}
