#!/usr/bin/env node
/**
 * `npm run bench`: measures the gateway against the same server reached directly over stdio and
 * through the floor relays (bench/floor.ts, bench/floorPerSession.ts), for every transport × session mode, prints a markdown
 * table and writes JSON (see README "Benchmark").
 * Every process it starts is stopped by pid at the end, also after an error or Ctrl-C.
 */
import { descendants, isAlive } from '../test/helpers/processes.js';
import { stopAll, trackedPids } from './cleanup.js';
import { startFloor, startGateway, startGatewayMode, supportsSessionMode, type RunningGateway, type SessionMode } from './gateway.js';
import { newIntegrity } from './integrity.js';
import { blob } from './measure/blob.js';
import { coldStart } from './measure/coldStart.js';
import { concurrentSleep } from './measure/concurrentSleep.js';
import { echo } from './measure/echo.js';
import { idleSessions } from './measure/idleSessions.js';
import { progress } from './measure/progress.js';
import { throughput } from './measure/throughput.js';
import { startReplicas, startWorkers } from './cluster.js';
import { clusterColumns, floorColumns, gatewayColumns, peerColumns, type Column, type MeasureContext, type Measurement } from './measure/types.js';
import { peerMode, peerVersions, startPeer } from './peers.js';
import { parseBenchOptions, type BenchOptions } from './options.js';
import { describeMachine, machineInfo, table, writeJson } from './report.js';
import { retries } from './raw/http.js';
import type { Cell, Results } from './results.js';

const measurements: readonly Measurement[] = [coldStart, echo, throughput, concurrentSleep, blob, idleSessions, progress];
const allColumns: readonly Column[] = ['direct', 'floor', 'floor per-session', 'sse per-session', 'sse shared', 'http per-session', 'http shared', 'http route', 'http combined', 'http workers', 'http replicas', ...peerColumns];

let tags = 0;

/** Starts what a non-direct column measures: a floor, or the gateway in the column's mode (forward columns with `extra` flags). */
function launcher(column: Column, options: BenchOptions, withModeFlag: boolean): (extra?: readonly string[]) => Promise<RunningGateway> {
  if (floorColumns.includes(column)) return () => startFloor(column === 'floor per-session');
  if (gatewayColumns.includes(column)) return () => startGatewayMode(options.cli);
  if (column === 'http workers') return () => startWorkers(options.cli);
  if (column === 'http replicas') return () => startReplicas(options.cli);
  if (peerColumns.includes(column)) return () => startPeer(column);
  return (extra) => startGateway(options.cli, column.endsWith('shared') ? 'shared' : 'per-session', withModeFlag, extra);
}

function contextFor(column: Column, options: BenchOptions, withModeFlag: boolean, gateway?: { url: string; pid: number }): MeasureContext {
  // The floors speak Streamable HTTP, one with one child for every client (shared mode's counts apply), one with a child per session.
  const [transport, mode] =
    column === 'direct' ? (['direct', undefined] as const)
    : column === 'floor' ? (['http', 'shared'] as const)
    : column === 'floor per-session' ? (['http', 'per-session'] as const)
    : gatewayColumns.includes(column) || clusterColumns.includes(column) ? (['http', 'per-session'] as const)
    : peerColumns.includes(column) ? ([column.startsWith('sse') ? 'sse' : 'http', peerMode(column)] as const)
    : (column.split(' ') as ['sse' | 'http', SessionMode]);
  // A server's own route in gateway mode is under /servers/bench/; the combined endpoint is the root.
  const url = gateway && column === 'http route' ? `${gateway.url}/servers/bench/` : gateway?.url;
  return {
    column,
    endpoint: { transport, url, client: options.client },
    mode,
    counts: options.counts,
    integrity: newIntegrity(),
    gatewayPid: gateway?.pid,
    launch: launcher(column, options, withModeFlag),
    newTag: () => `s${++tags}`,
  };
}

/** Stops the gateway, then kills (and notes) any child that outlived it. */
async function stopAndCheck(gateway: RunningGateway, notes: string[]): Promise<void> {
  const children = descendants(gateway.pid);
  await gateway.stop();
  const leftovers = children.filter(isAlive);
  if (leftovers.length > 0) notes.push(`${leftovers.length} children outlived the gateway (killed): ${leftovers.join(', ')}`);
  leftovers.forEach((pid) => process.kill(pid, 'SIGKILL'));
}

/** Runs one measurement in one column, with a fresh gateway unless the measurement starts its own; failures become the cell's error. */
async function runCell(measurement: Measurement, column: Column, options: BenchOptions, withModeFlag: boolean): Promise<Cell> {
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  const notes: string[] = [];
  const failed = (error: unknown, integrity = newIntegrity()): Cell => ({ figures: [], integrity, notes, error: (error as Error).stack ?? String(error), seconds: seconds() });
  let gateway: RunningGateway | undefined;
  try {
    if (column !== 'direct' && !measurement.ownGateway) gateway = await launcher(column, options, withModeFlag)();
  } catch (error) {
    return failed(error);
  }
  const ctx = contextFor(column, options, withModeFlag, gateway);
  try {
    const output = await measurement.run(ctx);
    notes.push(...output.notes);
    return { figures: output.figures, integrity: ctx.integrity, notes, seconds: seconds() };
  } catch (error) {
    return failed(error, ctx.integrity);
  } finally {
    if (gateway) await stopAndCheck(gateway, notes);
  }
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const shared = supportsSessionMode(options.cli);
  const wanted = allColumns.filter((column) => (options.columns ? options.columns.includes(column) : options.peers || !peerColumns.includes(column)));
  const unknown = options.columns?.filter((name) => !(allColumns as readonly string[]).includes(name)) ?? [];
  if (unknown.length > 0) throw new Error(`--columns: no column ${unknown.join(', ')}; columns: ${allColumns.join(', ')}`);
  const columns = wanted.filter((column) => shared || !column.endsWith('shared'));
  const skipped = wanted.filter((column) => !columns.includes(column));
  if (!shared) console.error('[bench] this gateway has no --sessionMode: shared mode skipped, per-session only');
  const peers = columns.some((column) => peerColumns.includes(column)) ? peerVersions() : undefined;
  if (peers) console.error(`[bench] peers: ${Object.entries(peers).map(([name, version]) => `${name} ${version}`).join(', ')}`);
  const selected = measurements.filter((m) => !options.only || options.only.includes(m.name));
  if (selected.length === 0) throw new Error(`--only matched nothing; measurements: ${measurements.map((m) => m.name).join(', ')}`);
  const machineBefore = machineInfo();
  const results: Results = {};
  for (const measurement of selected) {
    results[measurement.name] = {};
    for (const column of columns) {
      if (floorColumns.includes(column) && measurement.floor === false) continue;
      const cell = await runCell(measurement, column, options, shared);
      results[measurement.name]![column] = cell;
      const problems = cell.error ? `ERROR ${cell.error.split('\n')[0]}` : `${cell.integrity.crossTalk}/${cell.integrity.duplicates}/${cell.integrity.lost}`;
      console.error(`[bench] ${measurement.name} / ${column}: ${cell.seconds.toFixed(1)} s, cross-talk/dup/lost ${problems}; ${cell.notes.join('; ')}`);
    }
  }
  const markdown = table(results, columns, skipped);
  const machine = { ...machineBefore, loadAverageAfter: machineInfo().loadAverage };
  console.log(describeMachine(machine) + '\n');
  console.log(markdown);
  const client =
    options.client === 'sdk'
      ? 'MCP SDK v1 Client on its StdioClientTransport, SSEClientTransport and StreamableHTTPClientTransport'
      : 'MCP SDK v1 Client on the minimal stdio and node:http transports of bench/raw';
  console.error(`[bench] clients: ${client}`);
  if (retries.keepAlive > 0) console.error(`[bench] ${retries.keepAlive} requests were sent again after meeting a keep-alive socket the gateway had closed`);
  writeJson(options.out, { machine, client, keepAliveRetries: retries.keepAlive, cli: options.cli, quick: options.quick, counts: options.counts, columns, skipped, peers, results, table: markdown });
  console.error(`[bench] wrote ${options.out}`);
}

let exitCode = 0;
const interrupted = (): void => {
  console.error('[bench] interrupted: stopping every process started');
  void stopAll().finally(() => process.exit(130));
};
process.once('SIGINT', interrupted);
process.once('SIGTERM', interrupted);
try {
  await main();
} catch (error) {
  console.error(`[bench] failed: ${(error as Error).stack ?? String(error)}`);
  exitCode = 1;
} finally {
  if (trackedPids().length > 0) console.error(`[bench] stopping processes still running: ${trackedPids().join(', ')}`);
  await stopAll();
}
// SDK clients may keep sockets alive a little while: end now that every process is stopped.
process.exit(exitCode);
