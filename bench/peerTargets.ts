/**
 * Issue 18's "ahead of every peer measured in the same run": for each figure it names, each of
 * mcp-bridge's forward columns (per-session and shared) is better than every peer column of the same
 * transport, SSE against SSE and Streamable HTTP against Streamable HTTP (memory per idle session: only designs
 * with the same child model, one child for all clients or one per session). A peer cell that errored or
 * lost calls did not do the work its figure times, so it cannot beat mcp-bridge, nor can a figure below zero (no
 * figure of the list can be; a memory figure that is measured processes ending, not sessions); the verdict says so.
 * A per-session column that loses to a peer sharing one child, where the per-session floor (bench/floorPerSession.ts)
 * loses to that same peer in the same run too, is out of reach here: a child per session costs that much on this machine.
 * What an idle per-session session holds is, as issue 18 puts it, its figure with its child parked by hibernation
 * (bench/measure/hibernation.ts) where that was measured, not with its child alive.
 */
import { isClean } from './integrity.js';
import { forwardColumns, peerColumns, type Column } from './measure/types.js';
import { peerMode } from './peers.js';
import type { Cell, Results } from './results.js';
import type { Target } from './targets.js';

/** A figure of the list, and which way is better. */
const figures: ReadonlyArray<{ key: string; higherIsBetter?: boolean }> = [
  { key: 'coldStartMs' },
  { key: 'echoP50Ms' },
  { key: 'echoP99Ms' },
  { key: 'throughput8', higherIsBetter: true },
  { key: 'throughput64', higherIsBetter: true },
  { key: 'blob16MiBMs' },
  { key: 'blob16MiBOwnGrowthMiB' },
  { key: 'idleSessionKiB' },
];

/** The "ahead of every peer" targets, one per figure: `check(bridge, { peer })` is true when mcp-bridge's value is strictly better. */
export const aheadOfPeers: readonly Target[] = figures.map(({ key, higherIsBetter = false }) => ({
  figureKey: key,
  text: `ahead of every peer (${higherIsBetter ? 'higher' : 'lower'}, same transport)`,
  appliesTo: 'peers',
  check: (value, references) => (higherIsBetter ? value > references.peer! : value < references.peer!),
}));

/** The transport a column serves: its first word (`sse` or `http`). */
const transportOf = (column: Column): string => column.split(' ')[0]!;

/** Figures that count what each session holds, so a design with a child per session is compared only with such designs. */
const perSessionHoldings = new Set(['idleSessionKiB']);

/** The session mode of one of mcp-bridge's forward columns (its last word). */
const bridgeMode = (column: Column): string => (column.endsWith('shared') ? 'shared' : 'per-session');

/** The figure a column's cell stands for under `figureKey`: an idle per-session session's is its parked one, when measured. */
function bridgeFigure(cell: Cell | undefined, column: Column, figureKey: string): number | undefined {
  const valueOf = (key: string): number | undefined => cell?.figures.find((figure) => figure.key === key)?.value;
  const parked = figureKey === 'idleSessionKiB' && bridgeMode(column) === 'per-session' ? valueOf('idleSessionHibernatedKiB') : undefined;
  return parked ?? valueOf(figureKey);
}

/**
 * Every (mcp-bridge column, peer column) pair of one transport among the measured `columns`; for `figureKey`s
 * of what a session holds, only pairs of the same child model (one child for all, or one per session or request).
 */
function pairs(columns: readonly Column[], figureKey: string): Array<[Column, Column]> {
  const bridges = columns.filter((column) => forwardColumns.includes(column));
  const peers = columns.filter((column) => peerColumns.includes(column));
  const comparable = (bridge: Column, peer: Column): boolean =>
    transportOf(peer) === transportOf(bridge) && (!perSessionHoldings.has(figureKey) || peerMode(peer) === bridgeMode(bridge));
  return bridges.flatMap((bridge) => peers.filter((peer) => comparable(bridge, peer)).map((peer): [Column, Column] => [bridge, peer]));
}

/**
 * The per-session floor's figure when it too loses to `peer`, which shares one child, and `bridge` is a per-session
 * column: the pair is then out of reach here. Undefined otherwise (and when the per-session floor was not measured or failed).
 */
function perSessionFloorMiss(target: Target, cells: Results[string], bridge: Column, peer: Column, peerValue: number): number | undefined {
  const floorCell = cells['floor per-session'];
  if (bridgeMode(bridge) !== 'per-session' || peerMode(peer) !== 'shared' || !floorCell || floorCell.error || !isClean(floorCell.integrity)) return undefined;
  const floorValue = floorCell.figures.find((figure) => figure.key === target.figureKey)?.value;
  if (floorValue === undefined || target.check(floorValue, { direct: undefined, floor: undefined, route: undefined, peer: peerValue })) return undefined;
  return floorValue;
}

/**
 * "pass", "FAIL: <bridge> vs <peer>, …" (a pair the per-session floor also loses marked "(out of reach here: …)"),
 * plus peers not compared because they lost calls or have a figure below zero, or "not measured".
 */
export function peerVerdict(target: Target, results: Results, columns: readonly Column[]): string {
  const failed: string[] = [];
  const unreliable = new Set<string>();
  const impossible = new Set<string>();
  let compared = 0;
  for (const cells of Object.values(results)) {
    const valueIn = (column: Column): number | undefined => cells[column]?.figures.find((figure) => figure.key === target.figureKey)?.value;
    for (const [bridge, peer] of pairs(columns, target.figureKey)) {
      const value = bridgeFigure(cells[bridge], bridge, target.figureKey);
      const peerValue = valueIn(peer);
      if (value === undefined || peerValue === undefined) continue;
      const peerCell = cells[peer]!;
      if (peerCell.error || peerCell.integrity.lost > 0) {
        unreliable.add(peer);
        continue;
      }
      // No figure of the list can be below zero: a memory figure that is did not measure the sessions
      // (processes a peer started per request ended between the two readings of its tree).
      if (peerValue < 0) {
        impossible.add(peer);
        continue;
      }
      compared++;
      if (target.check(value, { direct: undefined, floor: undefined, route: undefined, peer: peerValue })) continue;
      const floorMiss = perSessionFloorMiss(target, cells, bridge, peer, peerValue);
      const outOfReach = floorMiss === undefined ? '' : ` (out of reach here: the per-session floor misses it too, ${Number(floorMiss.toPrecision(3))})`;
      failed.push(`${bridge} vs ${peer}${outOfReach}`);
    }
  }
  const note =
    (unreliable.size === 0 ? '' : `; not compared, lost calls: ${[...unreliable].join(', ')}`) +
    (impossible.size === 0 ? '' : `; not compared, a figure below zero: ${[...impossible].join(', ')}`);
  if (compared === 0) return note === '' ? 'not measured (needs a peer)' : `pass${note}`;
  return failed.length === 0 ? `pass${note}` : `FAIL: ${failed.join(', ')}${note}`;
}

