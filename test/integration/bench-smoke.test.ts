import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../helpers/paths.js';

interface SmokeCell {
  figures: Array<{ key: string; value: number }>;
  integrity: { crossTalk: number; duplicates: number; lost: number };
  error?: string;
}

test('the benchmark (--quick --only echo) runs every column and sees no cross-talk, duplicate or lost answer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  try {
    const out = join(dir, 'smoke.json');
    const runner = join(repoRoot, 'build-test', 'bench', 'run.js');
    await promisify(execFile)(process.execPath, [runner, '--quick', '--only', 'echo', '--client', 'raw', '--out', out], { timeout: 120_000 });
    const { results, columns } = JSON.parse(readFileSync(out, 'utf8')) as { results: { echo: Record<string, SmokeCell> }; columns: string[] };
    assert.ok(columns.includes('direct') && columns.includes('floor per-session') && columns.includes('sse per-session') && columns.includes('http per-session'));
    for (const column of columns) {
      const cell = results.echo[column]!;
      assert.equal(cell.error, undefined, `${column}: ${cell.error}`);
      assert.deepEqual({ ...cell.integrity, examples: undefined }, { crossTalk: 0, duplicates: 0, lost: 0, examples: undefined }, column);
      assert.ok(cell.figures.some((figure) => figure.key === 'echoP50Ms' && figure.value > 0), column);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the benchmark's peers (--peers --only coldStart) each start on the bench server, serve tools/list and are stopped", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  const peers = ['sse supergateway', 'http supergateway stateful', 'http supergateway stateless', 'sse mcp-proxy', 'http mcp-proxy'];
  try {
    const out = join(dir, 'peers.json');
    const runner = join(repoRoot, 'build-test', 'bench', 'run.js');
    const args = [runner, '--quick', '--peers', '--only', 'coldStart', '--columns', peers.join(','), '--out', out];
    const { stderr } = await promisify(execFile)(process.execPath, args, { timeout: 120_000 });
    const { results, columns } = JSON.parse(readFileSync(out, 'utf8')) as { results: { coldStart: Record<string, SmokeCell> }; columns: string[] };
    assert.deepEqual(columns, peers);
    for (const column of peers) {
      const cell = results.coldStart[column]!;
      assert.equal(cell.error, undefined, `${column}: ${cell.error}`);
      assert.ok(cell.figures.some((figure) => figure.key === 'coldStartMs' && figure.value > 0), column);
    }
    assert.doesNotMatch(stderr, /outlived|stopping processes still running/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the per-session floor and the hibernated sessions (--only idleSessions) leave no child behind, and parked sessions still answer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  try {
    const out = join(dir, 'idle.json');
    const runner = join(repoRoot, 'build-test', 'bench', 'run.js');
    const args = [runner, '--quick', '--only', 'idleSessions', '--columns', 'floor per-session,http per-session', '--out', out];
    const { stderr } = await promisify(execFile)(process.execPath, args, { timeout: 120_000 });
    const { results } = JSON.parse(readFileSync(out, 'utf8')) as { results: { idleSessions: Record<string, SmokeCell & { notes: string[] }> } };
    for (const column of ['floor per-session', 'http per-session']) {
      const cell = results.idleSessions[column]!;
      assert.equal(cell.error, undefined, `${column}: ${cell.error}`);
      assert.deepEqual({ ...cell.integrity, examples: undefined }, { crossTalk: 0, duplicates: 0, lost: 0, examples: undefined }, column);
    }
    const hibernated = results.idleSessions['http per-session']!;
    assert.ok(hibernated.figures.some((figure) => figure.key === 'idleSessionHibernatedKiB' && figure.value > 0), hibernated.notes.join('; '));
    assert.ok(hibernated.notes.some((note) => /all parked/.test(note)), hibernated.notes.join('; '));
    assert.ok(hibernated.notes.some((note) => /4 of 4 parked sessions answered/.test(note)), hibernated.notes.join('; '));
    assert.ok(hibernated.notes.includes('no child left once the sessions closed'), hibernated.notes.join('; '));
    assert.doesNotMatch(stderr, /outlived|stopping processes still running/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
