/**
 * The performance targets (issue 18), and their verdict for mcp-bridge's columns (never direct,
 * the floor or a peer). Most are relative to the floor relay (bench/floor.ts) measured in the same run,
 * the rest to direct, absolute, or "ahead of every peer" (bench/peerTargets.ts).
 */
import { isClean } from './integrity.js';
import { floorColumns, forwardColumns, isBridgeColumn, type Column } from './measure/types.js';
import { aheadOfPeers, peerVerdict } from './peerTargets.js';
import type { Results } from './results.js';

/** What a target's figure is compared with: the same figure of direct or of the floor, in the same run. */
export interface References {
  direct: number | undefined;
  floor: number | undefined;
  /** The same figure on a gateway server's own route (the combined endpoint's reference). */
  route: number | undefined;
  /** The same figure in a peer's column (the "ahead of every peer" targets). */
  peer?: number;
}

export interface Target {
  /** The figure the target is about (`integrity` for the zero-problems target). */
  figureKey: string;
  text: string;
  /**
   * mcp-bridge columns it applies to: the "both transports, both session modes" (`forward`: the forward
   * bridge's SSE and HTTP columns, per-session and shared), shared mode only, the combined endpoint, or the
   * forward columns each against every peer of its transport (`peers`, checked by bench/peerTargets.ts).
   */
  appliesTo: 'forward' | 'shared' | 'combined' | 'peers';
  /** The reference the check needs; without it in a run the target is "not measured". */
  needs?: keyof References;
  check(value: number, references: References): boolean;
}

const MiB16 = 16;

/** `value ≤ factor × reference` (or ≥ with `atLeast`), for targets relative to direct or the floor. */
function relative(figureKey: string, needs: keyof References, factor: number, appliesTo: Target['appliesTo'] = 'forward', atLeast = false): Target {
  const shared = appliesTo === 'forward' ? '' : `${appliesTo}: `;
  return {
    figureKey,
    text: `${shared}${atLeast ? '≥' : '≤'} ×${factor} ${needs}`,
    appliesTo,
    needs,
    check: (value, references) => (atLeast ? value >= factor * references[needs]! : value <= factor * references[needs]!),
  };
}

export const targets: readonly Target[] = [
  { figureKey: 'coldStartMs', text: '≤ direct + 150 ms', appliesTo: 'forward', needs: 'direct', check: (value, { direct }) => value <= direct! + 150 },
  relative('echoP50Ms', 'floor', 1.25),
  relative('echoP99Ms', 'floor', 1.5),
  relative('echoGatewayCpuUs', 'floor', 1.5),
  relative('throughput8', 'floor', 0.7, 'shared', true),
  relative('throughput64', 'floor', 0.8, 'shared', true),
  { figureKey: 'concurrentSleepMs', text: '≤ 60 ms', appliesTo: 'forward', check: (value) => value <= 60 },
  relative('blob16MiBMs', 'direct', 1.5),
  { figureKey: 'blob16MiBOwnGrowthMiB', text: `≤ 3× payload (${3 * MiB16} MiB)`, appliesTo: 'forward', check: (value) => value <= 3 * MiB16 },
  // 50 KB read as 50,000 bytes.
  { figureKey: 'idleSessionKiB', text: 'shared: ≤ 50 KB', appliesTo: 'shared', check: (value) => value <= 50_000 / 1024 },
  // Issue 16: the combined endpoint costs no more than a server's own route, measured in the same run.
  relative('echoP50Ms', 'route', 1.1, 'combined'),
  relative('echoGatewayCpuUs', 'route', 1.1, 'combined'),
  // Issue 18: ahead of every peer measured in the same run, on every figure it names.
  ...aheadOfPeers,
];

/** "pass", "FAIL: <columns>", or "skipped (…)" / "not measured" for `target` over the measured `columns`. */
export function verdict(target: Target, results: Results, columns: readonly Column[]): string {
  if (target.appliesTo === 'peers') return peerVerdict(target, results, columns);
  const applicable = columns.filter(
    (column) => isBridgeColumn(column) && (target.appliesTo === 'forward' ? forwardColumns.includes(column) : target.appliesTo === 'shared' ? column.endsWith('shared') : column === 'http combined'),
  );
  const floorFailed: string[] = [];
  const checked: Array<{ column: Column; ok: boolean }> = [];
  for (const cells of Object.values(results)) {
    const valueIn = (column: Column): number | undefined => cells[column]?.figures.find((figure) => figure.key === target.figureKey)?.value;
    const references: References = { direct: valueIn('direct'), floor: valueIn('floor'), route: valueIn('http route') };
    if (target.needs && references[target.needs] === undefined) continue;
    // The floor does less than mcp-bridge: when it misses the same target in the same run, the target is out of reach here.
    if (target.needs !== 'floor' && references.floor !== undefined && !target.check(references.floor, references)) floorFailed.push(String(Number(references.floor.toPrecision(3))));
    for (const column of applicable) {
      const value = valueIn(column);
      if (value !== undefined) checked.push({ column, ok: target.check(value, references) });
    }
  }
  const kind = target.appliesTo === 'forward' ? 'forward' : target.appliesTo;
  if (checked.length === 0) return applicable.length === 0 ? `not measured (no ${kind} column)` : target.needs ? `not measured (needs ${target.needs})` : 'not measured';
  const failed = checked.filter((entry) => !entry.ok).map((entry) => entry.column);
  if (failed.length === 0) return 'pass';
  const outOfReach = floorFailed.length === 0 ? '' : ` (out of reach here: the floor misses it too, ${floorFailed.join(', ')})`;
  return `FAIL: ${failed.join(', ')}${outOfReach}`;
}

/**
 * "pass" when no cell of any measurement saw cross-talk, a duplicate or a loss; else the failing cells.
 * Peers are not held to it: their counts are in their own rows of the table.
 */
export function integrityVerdict(results: Results): string {
  const failed = Object.entries(results).flatMap(([name, cells]) =>
    Object.entries(cells)
      .filter(([column, cell]) => cell && (column === 'direct' || floorColumns.includes(column as Column) || isBridgeColumn(column as Column)) && (!isClean(cell.integrity) || cell.error))
      .map(([column]) => `${name}/${column}`),
  );
  return failed.length === 0 ? 'pass' : `FAIL: ${failed.join(', ')}`;
}
