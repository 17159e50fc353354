// The README's flag tables against the flag table in config/flags.ts: every declared flag is
// documented with its default, and the README documents no flag that does not exist.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { flags, type FlagName, type FlagSpec } from '../../src/config/flags.js';
import { repoRoot } from '../helpers/paths.js';

/** One README table row that documents flags: the flags its first cell names, and its default cell. */
interface FlagRow {
  names: string[];
  defaultCell: string;
}

const builtIn = new Set(['help', 'version']);

/** Every table row of the README whose first cell starts with a flag (`--name …`). */
function readmeFlagRows(): FlagRow[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  return readme.split('\n').filter((line) => line.startsWith('| `--')).map((line) => {
    const [first = '', defaultCell = ''] = line.slice(1).split(/(?<!\\)\|/).map((cell) => cell.trim());
    const names = [...first.matchAll(/--(?:no-)?([a-zA-Z][a-zA-Z0-9]*)/g)].map((match) => match[1]!).filter((name) => !builtIn.has(name));
    return { names, defaultCell };
  });
}

/** Whether a README default cell states the declared default (booleans as true/on or false/off). */
function statesDefault(cell: string, value: string | number | boolean): boolean {
  const text = cell.toLowerCase();
  if (value === true) return /\b(true|on)\b/.test(text);
  if (value === false) return /\b(false|off)\b/.test(text);
  return text.includes(String(value).toLowerCase());
}

const rows = readmeFlagRows();

test('the README documents exactly the declared flags, no more and no fewer', () => {
  const documented = new Set(rows.flatMap((row) => row.names));
  const declared = new Set(Object.keys(flags));
  assert.deepEqual([...declared].filter((name) => !documented.has(name)).sort(), [], 'declared but not in the README');
  assert.deepEqual([...documented].filter((name) => !declared.has(name)).sort(), [], 'in the README but not declared');
});

test('every flag with a default has it stated in a README row of that flag', () => {
  const missing: string[] = [];
  for (const [name, spec] of Object.entries(flags) as [FlagName, FlagSpec][]) {
    const value = spec.default ?? spec.defaultText;
    if (value === undefined) continue;
    const stated = rows.some((row) => row.names.includes(name) && statesDefault(row.defaultCell, value));
    if (!stated) missing.push(`--${name} (default ${String(value)})`);
  }
  assert.deepEqual(missing, []);
});
