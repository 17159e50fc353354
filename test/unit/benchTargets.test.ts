// The benchmark's verdicts (bench/targets.ts, bench/peerTargets.ts) on hand-made results: the peers are
// compared by transport, a peer that lost calls cannot beat mcp-bridge, and the targets mcp-bridge must
// meet (zero cross-talk, ratios to the floor) ignore the peers' columns; a per-session column's loss to a peer sharing
// one child that the per-session floor (bench/floorPerSession.ts) shares in the same run is out of reach here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newIntegrity } from '../../bench/integrity.js';
import type { Column } from '../../bench/measure/types.js';
import type { Cell, Results } from '../../bench/results.js';
import { integrityVerdict, targets, verdict } from '../../bench/targets.js';

const cell = (key: string, value: number, lost = 0, crossTalk = 0): Cell => ({
  figures: [{ key, label: key, value, unit: 'ms' }],
  integrity: { ...newIntegrity(), lost, crossTalk },
  notes: [],
  seconds: 1,
});

const aheadTarget = (key: string) => targets.find((target) => target.figureKey === key && target.appliesTo === 'peers')!;
/** The columns of the one measurement in `results`. */
const columnsOf = (results: Results): Column[] => Object.keys(Object.values(results)[0]!) as Column[];
/** The "ahead of every peer" verdict on figure `key`, over every column of `results`. */
const aheadVerdict = (key: string, results: Results): string => verdict(aheadTarget(key), results, columnsOf(results));

test('ahead of every peer: each forward column against every peer of its transport, failing pairs named', () => {
  const results: Results = {
    echo: {
      'sse shared': cell('echoP50Ms', 1),
      'http shared': cell('echoP50Ms', 2),
      'http per-session': cell('echoP50Ms', 4),
      'sse supergateway': cell('echoP50Ms', 0.5),
      'http supergateway stateful': cell('echoP50Ms', 3),
      'http mcp-proxy': cell('echoP50Ms', 5),
    },
  };
  assert.equal(aheadVerdict('echoP50Ms', results), 'FAIL: sse shared vs sse supergateway, http per-session vs http supergateway stateful');
});

test('ahead of every peer: higher is better for throughput; a peer that lost calls is not compared; no peer is "not measured"', () => {
  const results: Results = { throughput: { 'http shared': cell('throughput8', 900), 'http mcp-proxy': cell('throughput8', 800), 'http supergateway stateless': cell('throughput8', 5000, 3) } };
  assert.equal(aheadVerdict('throughput8', results), 'pass; not compared, lost calls: http supergateway stateless');
  assert.equal(verdict(aheadTarget('throughput8'), { throughput: { 'http shared': cell('throughput8', 900) } }, ['http shared']), 'not measured (needs a peer)');
});

test('ahead of every peer on memory per idle session: only designs with the same child model are compared', () => {
  const results: Results = {
    idleSessions: {
      'http per-session': cell('idleSessionKiB', 67_000),
      'http shared': cell('idleSessionKiB', 150),
      'http mcp-proxy': cell('idleSessionKiB', 160),
      'http supergateway stateful': cell('idleSessionKiB', 69_000),
      'sse shared': cell('idleSessionKiB', 133),
      'sse mcp-proxy': cell('idleSessionKiB', 100),
    },
  };
  assert.equal(aheadVerdict('idleSessionKiB', results), 'FAIL: sse shared vs sse mcp-proxy');
});

test('ahead of every peer on memory per idle session: a per-session column stands with its parked figure where hibernation was measured', () => {
  const parked = (alive: number, hibernated: number): Cell => ({ ...cell('idleSessionKiB', alive), figures: [...cell('idleSessionKiB', alive).figures, ...cell('idleSessionHibernatedKiB', hibernated).figures] });
  const results: Results = { idleSessions: { 'http per-session': parked(67_000, 60), 'sse per-session': cell('idleSessionKiB', 67_000), 'http supergateway stateless': cell('idleSessionKiB', 157) } };
  assert.equal(aheadVerdict('idleSessionKiB', results), 'pass');
  results.idleSessions!['http per-session'] = parked(67_000, 200);
  assert.equal(aheadVerdict('idleSessionKiB', results), 'FAIL: http per-session vs http supergateway stateless');
});

test('ahead of every peer: a per-session column losing to a peer that shares one child is out of reach here when the per-session floor loses to it too', () => {
  const results: Results = {
    throughput: {
      'floor per-session': cell('throughput64', 2100),
      'sse per-session': cell('throughput64', 1991),
      'sse shared': cell('throughput64', 2300),
      'http per-session': cell('throughput64', 1900),
      'sse mcp-proxy': cell('throughput64', 2426),
      'http mcp-proxy': cell('throughput64', 1800),
    },
  };
  assert.equal(
    aheadVerdict('throughput64', results),
    'FAIL: sse per-session vs sse mcp-proxy (out of reach here: the per-session floor misses it too, 2100), sse shared vs sse mcp-proxy',
  );
  // The per-session floor ahead of the peer: the per-session column's loss is a plain FAIL.
  results.throughput!['floor per-session'] = cell('throughput64', 2500);
  assert.equal(aheadVerdict('throughput64', results), 'FAIL: sse per-session vs sse mcp-proxy, sse shared vs sse mcp-proxy');
  // A per-session floor that lost calls proves nothing.
  results.throughput!['floor per-session'] = cell('throughput64', 2100, 1);
  assert.equal(aheadVerdict('throughput64', results), 'FAIL: sse per-session vs sse mcp-proxy, sse shared vs sse mcp-proxy');
});

test('ahead of every peer: the per-session floor does not excuse a loss to a peer with a child per session', () => {
  const results: Results = {
    echo: { 'floor per-session': cell('echoP50Ms', 5), 'http per-session': cell('echoP50Ms', 4), 'http supergateway stateful': cell('echoP50Ms', 3) },
  };
  assert.equal(aheadVerdict('echoP50Ms', results), 'FAIL: http per-session vs http supergateway stateful');
});

test("issue 18's targets hold the forward columns only, and a miss the floor shares in the same run is called out of reach", () => {
  const results: Results = { concurrentSleep: { floor: cell('concurrentSleepMs', 71.4), 'sse shared': cell('concurrentSleepMs', 80), 'http route': cell('concurrentSleepMs', 100) } };
  const columns = columnsOf(results);
  const sleepTarget = targets.find((target) => target.figureKey === 'concurrentSleepMs')!;
  assert.equal(verdict(sleepTarget, results, columns), 'FAIL: sse shared (out of reach here: the floor misses it too, 71.4)');
});

test('the per-session floor is held to zero cross-talk, duplicates and losses like the floor', () => {
  const results: Results = { echo: { 'floor per-session': cell('echoP50Ms', 1, 1), 'http per-session': cell('echoP50Ms', 1) } };
  assert.equal(integrityVerdict(results), 'FAIL: echo/floor per-session');
});

test("peers' cross-talk and ratios do not fail mcp-bridge's targets", () => {
  const results: Results = { echo: { floor: cell('echoP50Ms', 1), 'sse shared': cell('echoP50Ms', 1.1), 'sse supergateway': cell('echoP50Ms', 9, 0, 7) } };
  const columns = columnsOf(results);
  assert.equal(integrityVerdict(results), 'pass');
  const floorTarget = targets.find((target) => target.figureKey === 'echoP50Ms' && target.needs === 'floor')!;
  assert.equal(verdict(floorTarget, results, columns), 'pass');
  results.echo!['sse shared'] = cell('echoP50Ms', 1.1, 1);
  assert.equal(integrityVerdict(results), 'FAIL: echo/sse shared');
});

test('ahead of every peer: a peer figure below zero (its per-request processes ended between two readings) is not compared', () => {
  const results: Results = { idleSessions: { 'http per-session': cell('idleSessionKiB', 67_000), 'http supergateway stateless': cell('idleSessionKiB', -1260) } };
  assert.equal(aheadVerdict('idleSessionKiB', results), 'pass; not compared, a figure below zero: http supergateway stateless');
});
