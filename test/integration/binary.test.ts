/**
 * The single executable (`npm run build:binary`): built into a temporary folder and run from an empty directory
 * with a PATH that finds no node, so neither Node.js nor any node_modules can help it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { repoRoot } from '../helpers/paths.js';
import { shippedSuite, type Shipped } from '../helpers/shipped.js';

describe('the single executable, run with no Node.js and no node_modules', () => {
  let temp = '';
  let shipped: Shipped;

  before(() => {
    temp = mkdtempSync(join(tmpdir(), 'mcp-bridge-binary-test-'));
    const binary = join(temp, 'bin', 'mcp-bridge');
    const build = spawnSync('npm', ['run', 'build:binary', '--', '--out', binary], { cwd: repoRoot, encoding: 'utf8', timeout: 170_000 });
    assert.equal(build.status, 0, `npm run build:binary: ${build.error?.message ?? build.stderr}`);
    assert.deepEqual(readdirSync(join(temp, 'bin')), ['mcp-bridge']);
    const empty = join(temp, 'empty');
    mkdirSync(empty);
    const noNode = { PATH: empty };
    assert.equal(spawnSync('node', ['--version'], { env: noNode }).error?.message.includes('ENOENT'), true, 'PATH finds no node');
    // The example server is a Node script: its child command names this test's Node by absolute path.
    shipped = { launcher: { command: binary, args: [], cwd: empty, env: noNode }, exampleServer: join(repoRoot, 'dist', 'example', 'server.js') };
  });

  after(() => rmSync(temp, { recursive: true, force: true }));

  shippedSuite(() => shipped);
});
