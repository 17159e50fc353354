import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AggregatorRegistry, Histogram, Registry } from 'prom-client';
import { FastHistogram } from '../../src/metrics/histogram.js';

const buckets = [0.005, 0.01, 0.1, 1, 10];
const observations: [Record<string, string>, number][] = [
  [{ method: 'tools/call' }, 0.003],
  [{ method: 'tools/call' }, 0.01],
  [{ method: 'tools/call' }, 0.2],
  [{ method: 'initialize', server: 'a' }, 12],
  [{ method: 'tools/call' }, 0.05],
];

/** prom-client's own Histogram and a FastHistogram, each in a registry of its own, given the same observations. */
function bothHistograms(): { theirs: Registry; ours: Registry } {
  const theirs = new Registry();
  const ours = new Registry();
  const histogram = new Histogram({ name: 'latency_seconds', help: 'Latency', labelNames: ['method', 'server'], buckets, registers: [theirs] });
  const fast = new FastHistogram('latency_seconds', 'Latency', buckets, [ours]);
  for (const [labels, value] of observations) {
    histogram.observe(labels, value);
    fast.series(labels).observe(value);
  }
  return { theirs, ours };
}

test('a FastHistogram is exported as text exactly as prom-client exports its Histogram', async () => {
  const { theirs, ours } = bothHistograms();
  assert.equal(await ours.metrics(), await theirs.metrics());
});

test('a FastHistogram is exported as JSON as prom-client exports its Histogram, and the cluster aggregation sums it alike', async () => {
  const { theirs, ours } = bothHistograms();
  assert.deepEqual(await ours.getMetricsAsJSON(), await theirs.getMetricsAsJSON());
  const twiceTheirs = AggregatorRegistry.aggregate([await theirs.getMetricsAsJSON(), await theirs.getMetricsAsJSON()]);
  const twiceOurs = AggregatorRegistry.aggregate([await ours.getMetricsAsJSON(), await ours.getMetricsAsJSON()]);
  assert.equal(await twiceOurs.metrics(), await twiceTheirs.metrics());
});

test('the same labels give the same series, and reset() zeroes every series', async () => {
  const registry = new Registry();
  const fast = new FastHistogram('latency_seconds', 'Latency', buckets, [registry]);
  assert.equal(fast.series({ a: '1', b: '2' }), fast.series({ b: '2', a: '1' }));
  fast.series({ a: '1', b: '2' }).observe(0.5);
  assert.match(await registry.metrics(), /latency_seconds_count\{a="1",b="2"\} 1/);
  registry.resetMetrics();
  assert.match(await registry.metrics(), /latency_seconds_count\{a="1",b="2"\} 0|^# HELP latency_seconds Latency\n# TYPE latency_seconds histogram\n*$/);
});
