/**
 * The official conformance suite through the combined endpoint of a one-server config with an empty
 * prefix: every 0.1.16 server scenario, and the 0.2 line's 2026-07-28 requirements, against the
 * gateway's root /mcp, as they pass on the server's own route.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { fixturePath } from '../helpers/paths.js';
import {
  conformanceUnavailable,
  describeChecks,
  isConformance02,
  newestConformanceCli,
  requiredServerScenarios,
  runServerRequirements,
  runServerSuite,
  type ScenarioResult,
} from '../fixtures/conformance-suite.js';

const SUITE_TIMEOUT_MS = 240_000;

/** WARNINGs that are not the gateway's to fix (see conformance.test.ts): SHOULDs a 2025-03-26 stream must not meet. */
const ADVISORY_WARNINGS = new Set(['server-sse-polling › server-sse-priming-event', 'server-sse-polling › server-sse-retry-field']);

/** Every FAILURE and unexpected WARNING among `results` (all of them, or only the `required` scenarios). */
function problems(results: ScenarioResult[], required?: readonly string[]): string {
  return results
    .filter(({ scenario }) => !required || required.includes(scenario))
    .filter(({ scenario, checks }) => checks.some((check) => check.status === 'FAILURE' || (check.status === 'WARNING' && !ADVISORY_WARNINGS.has(`${scenario} › ${check.id}`))))
    .map(({ scenario, checks }) => `✗ ${scenario}\n${describeChecks(scenario, checks)}`)
    .join('\n\n');
}

describe('the conformance suite through the combined endpoint', { timeout: 2 * (SUITE_TIMEOUT_MS + 30_000) }, () => {
  let dir: string;
  let gateway: RunningBridge;
  const unavailable = conformanceUnavailable();

  before(async () => {
    if (unavailable) return;
    dir = await mkdtemp(join(tmpdir(), 'mcp-bridge-combined-conformance-'));
    const config = join(dir, 'mcp.json');
    await writeFile(config, JSON.stringify({
      mcpServers: { conformance: { command: process.execPath, args: [fixturePath('conformance-server')] } },
      'mcp-bridge': { servers: { conformance: { prefix: '' } } },
    }));
    gateway = await startBridge(['--config', config]);
  });

  after(async () => {
    if (unavailable) return;
    assert.equal(await gateway.stop(), 0);
    assert.deepEqual(gateway.children(), [], 'the gateway left no process behind');
    await rm(dir, { recursive: true, force: true });
  });

  test('every 0.1.16 server scenario passes through the combined /mcp of a one-server config with an empty prefix', { timeout: SUITE_TIMEOUT_MS + 30_000 }, async (t) => {
    if (unavailable) return void t.skip(unavailable);
    const outDir = await mkdtemp(join(dir, 'suite-'));
    const run = await runServerSuite(`${gateway.url}/mcp`, outDir, SUITE_TIMEOUT_MS);
    const tail = `\n--- CLI output (tail) ---\n${run.output.slice(-3000)}\n--- gateway stderr (tail) ---\n${gateway.stderr().slice(-3000)}`;
    assert.ok(run.announced !== undefined && run.announced > 0 && run.results.length === run.announced, `the suite did not run whole${tail}`);
    const report = problems(run.results);
    assert.equal(report, '', `conformance problems through the combined /mcp:\n\n${report}${tail}`);
  });

  test('every 2026-07-28 server scenario of the 0.2 line passes through the combined /mcp', { timeout: SUITE_TIMEOUT_MS + 30_000 }, async (t) => {
    const cli = newestConformanceCli();
    const skip = unavailable ?? (cli && isConformance02(cli) ? undefined : 'the 0.2 conformance line is not installed');
    if (skip || !cli) return void t.skip(skip);
    const required = [...new Set([...requiredServerScenarios(cli.path, '2026-07-28'), 'http-header-validation'])];
    const outDir = await mkdtemp(join(dir, 'requirements-'));
    const run = await runServerRequirements(`${gateway.url}/mcp`, '2026-07-28', outDir, SUITE_TIMEOUT_MS, cli.path);
    const tail = `\n--- CLI output (tail) ---\n${run.output.slice(-3000)}\n--- gateway stderr (tail) ---\n${gateway.stderr().slice(-3000)}`;
    const ran = new Set(run.results.map((result) => result.scenario));
    assert.deepEqual(required.filter((scenario) => !ran.has(scenario)), [], `no results for required scenarios${tail}`);
    const report = problems(run.results, required);
    assert.equal(report, '', `2026-07-28 conformance problems through the combined /mcp:\n\n${report}${tail}`);
    t.diagnostic(`${required.length} required scenarios passed`);
  });
});
