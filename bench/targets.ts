/** The performance targets, and their verdict for the columns they apply to. */
import { isClean } from './integrity.js';
import type { Column } from './measure/types.js';
import type { Results } from './results.js';

export interface Target {
  /** The figure the target is about (`integrity` for the zero-problems target). */
  figureKey: string;
  text: string;
  /** Gateway columns it applies to: all of them, or shared mode only. */
  appliesTo: 'gateway' | 'shared';
  check(value: number, direct: number | undefined): boolean;
}

const payload16MiB = 16;

export const targets: readonly Target[] = [
  { figureKey: 'coldStartMs', text: '≤ 500 ms', appliesTo: 'gateway', check: (value) => value <= 500 },
  { figureKey: 'echoP50Ms', text: '≤ ×2.5 direct', appliesTo: 'gateway', check: (value, direct) => direct !== undefined && value <= 2.5 * direct },
  { figureKey: 'throughput64', text: 'shared: ≥ ×0.8 direct', appliesTo: 'shared', check: (value, direct) => direct !== undefined && value >= 0.8 * direct },
  { figureKey: 'concurrentSleepMs', text: '≤ 70 ms', appliesTo: 'gateway', check: (value) => value <= 70 },
  { figureKey: 'blob16MiBMs', text: '≤ ×2 direct', appliesTo: 'gateway', check: (value, direct) => direct !== undefined && value <= 2 * direct },
  { figureKey: 'blob16MiBOwnGrowthMiB', text: '≤ 3× payload (48 MiB)', appliesTo: 'gateway', check: (value) => value <= 3 * payload16MiB },
  // 50 KB read as 50,000 bytes.
  { figureKey: 'idleSessionKiB', text: 'shared: ≤ 50 KB', appliesTo: 'shared', check: (value) => value <= 50_000 / 1024 },
];

/** "pass", "FAIL: <columns>", or "skipped (…)" for `target` over the measured `columns`. */
export function verdict(target: Target, results: Results, columns: readonly Column[]): string {
  const applicable = columns.filter((column) => column !== 'direct' && (target.appliesTo === 'gateway' || column.endsWith('shared')));
  const checked: Array<{ column: Column; ok: boolean }> = [];
  for (const cells of Object.values(results)) {
    const direct = cells.direct?.figures.find((figure) => figure.key === target.figureKey)?.value;
    for (const column of applicable) {
      const value = cells[column]?.figures.find((figure) => figure.key === target.figureKey)?.value;
      if (value !== undefined) checked.push({ column, ok: target.check(value, direct) });
    }
  }
  if (checked.length === 0) return applicable.length === 0 ? 'skipped (no shared mode)' : 'not measured';
  const failed = checked.filter((entry) => !entry.ok).map((entry) => entry.column);
  return failed.length === 0 ? 'pass' : `FAIL: ${failed.join(', ')}`;
}

/** "pass" when no cell of any measurement saw cross-talk, a duplicate or a loss; else the failing cells. */
export function integrityVerdict(results: Results): string {
  const failed = Object.entries(results).flatMap(([name, cells]) =>
    Object.entries(cells)
      .filter(([, cell]) => cell && (!isClean(cell.integrity) || cell.error))
      .map(([column]) => `${name}/${column}`),
  );
  return failed.length === 0 ? 'pass' : `FAIL: ${failed.join(', ')}`;
}
