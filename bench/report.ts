/** Prints the results as a markdown table (also pasted into the README) and writes them as JSON. */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { floorColumns, type Column, type Figure } from './measure/types.js';
import type { Results } from './results.js';
import { integrityVerdict, targets, verdict } from './targets.js';

const headers: Record<Column, string> = {
  direct: 'direct',
  floor: 'floor',
  'floor per-session': 'floor per-session',
  'sse per-session': 'SSE per-session',
  'sse shared': 'SSE shared',
  'http per-session': 'HTTP per-session',
  'http shared': 'HTTP shared',
  'http route': 'HTTP gateway route',
  'http combined': 'HTTP combined',
  'http workers': 'HTTP --workers 2',
  'http replicas': 'HTTP 3 replicas + nginx',
  'sse supergateway': 'SSE supergateway',
  'http supergateway stateful': 'HTTP supergateway stateful',
  'http supergateway stateless': 'HTTP supergateway stateless',
  'sse mcp-proxy': 'SSE mcp-proxy',
  'http mcp-proxy': 'HTTP mcp-proxy',
};

/** Machine facts for the JSON and the README: the numbers mean little without them. */
export function machineInfo(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model,
    cpuCount: cpus.length,
    totalMemGiB: +(os.totalmem() / 1024 ** 3).toFixed(1),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    date: new Date().toISOString(),
    loadAverage: os.loadavg().map((load) => +load.toFixed(2)),
  };
}

/** One line for the table's caption: CPU, memory, Node, date and how busy the machine was. */
export function describeMachine(machine: Record<string, unknown>): string {
  const load = (value: unknown): string => (Array.isArray(value) ? value.join(' / ') : '?');
  return (
    `${String(machine.cpuCount)} × ${String(machine.cpuModel)}, ${String(machine.totalMemGiB)} GiB, ${String(machine.platform)}, Node ${String(machine.node)}, ` +
    `${String(machine.date)}; load average (1/5/15 min) ${load(machine.loadAverage)} before, ${load(machine.loadAverageAfter)} after`
  );
}

function formatValue(figure: Figure): string {
  const digits = Math.abs(figure.value) >= 100 || figure.unit === 'count' ? 0 : Math.abs(figure.value) >= 10 ? 1 : 2;
  return `${figure.value.toFixed(digits)} ${figure.unit}`;
}

/** The same figure in the reference columns of one run. */
interface ReferenceFigures {
  direct: Figure | undefined;
  floor: Figure | undefined;
  floorPerSession: Figure | undefined;
  route: Figure | undefined;
}

/**
 * A figure with its ratios: to direct (every column but direct), to the floor (every column but direct and the floor),
 * for mcp-bridge's per-session forward columns to the per-session floor, and for the combined endpoint to its server's own route.
 */
function cellText(figure: Figure | undefined, references: ReferenceFigures, column: Column): string {
  if (!figure) return '–';
  const ratio = (reference: Figure | undefined, name: string): string[] =>
    reference && reference.value !== 0 ? [`×${(figure.value / reference.value).toFixed(2)} ${name}`] : [];
  const ratios = [
    ...(column === 'direct' ? [] : ratio(references.direct, 'direct')),
    ...(column === 'direct' || column === 'floor' ? [] : ratio(references.floor, 'floor')),
    ...(column === 'sse per-session' || column === 'http per-session' ? ratio(references.floorPerSession, 'floor per-session') : []),
    ...(column === 'http combined' ? ratio(references.route, 'route') : []),
  ];
  return ratios.length === 0 ? formatValue(figure) : `${formatValue(figure)} (${ratios.join(', ')})`;
}

/** The markdown table: one row per figure, one integrity row per measurement, targets and verdicts. */
export function table(results: Results, columns: readonly Column[], skipped: readonly Column[]): string {
  const all = (Object.keys(headers) as Column[]).filter((column) => columns.includes(column) || skipped.includes(column));
  const rows: string[][] = [];
  for (const [name, cells] of Object.entries(results)) {
    const keys = [...new Map(Object.values(cells).flatMap((cell) => cell?.figures ?? []).map((figure) => [figure.key, figure.label])).entries()];
    for (const [key, label] of keys) {
      const figureIn = (column: Column): Figure | undefined => cells[column]?.figures.find((figure) => figure.key === key);
      const references = { direct: figureIn('direct'), floor: figureIn('floor'), floorPerSession: figureIn('floor per-session'), route: figureIn('http route') };
      const [target, ...moreTargets] = targets.filter((t) => t.figureKey === key);
      const values = all.map((column) => (skipped.includes(column) ? 'skipped' : floorColumns.includes(column) && !cells[column] ? 'n/a' : cellText(figureIn(column), references, column)));
      rows.push([label, ...values, target?.text ?? '', target ? verdict(target, results, columns) : '']);
      // A figure with more than one target (the combined endpoint's against its route) gets a row per extra target.
      for (const more of moreTargets) rows.push([label, ...all.map(() => ''), more.text, verdict(more, results, columns)]);
    }
    const integrity = all.map((column) => {
      const cell = cells[column];
      // The floor sits out measurements it cannot take part in (progress: it passes no notifications).
      if (!cell) return skipped.includes(column) ? 'skipped' : floorColumns.includes(column) ? 'n/a' : '–';
      return cell.error ? `error` : `${cell.integrity.crossTalk}/${cell.integrity.duplicates}/${cell.integrity.lost}`;
    });
    rows.push([`${name}: cross-talk/dup/lost`, ...integrity, '', '']);
  }
  rows.push(['every measurement: cross-talk/dup/lost', ...all.map(() => ''), '0/0/0', integrityVerdict(results)]);
  const header = ['metric', ...all.map((column) => headers[column]), 'target', 'pass'];
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Writes the whole run (machine, options, columns, results, verdicts) to `path`. */
export function writeJson(path: string, data: Record<string, unknown>): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(data, null, 2) + '\n');
}
