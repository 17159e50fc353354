/**
 * The two conformance runs the gateway tests make through one URL (a server's route, the combined
 * endpoint): 0.1.16's server scenarios, and the 0.2 line's 2026-07-28 requirements; each asserts that
 * nothing failed and says why a run was skipped.
 */
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
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

/** How long one suite run may take (the tests allow 30 s more). */
export const SUITE_TIMEOUT_MS = 240_000;

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

function tailOf(output: string, stderr: string): string {
  return `\n--- CLI output (tail) ---\n${output.slice(-3000)}\n--- gateway stderr (tail) ---\n${stderr.slice(-3000)}`;
}

/** Runs every 0.1.16 server scenario against `url` (results under a new folder in `dir`) and asserts none failed; skips `t` when the suite cannot run. */
export async function assertSuitePasses(t: TestContext, url: string, dir: string, gatewayStderr: () => string): Promise<void> {
  const unavailable = conformanceUnavailable();
  if (unavailable) return void t.skip(unavailable);
  const run = await runServerSuite(url, await mkdtemp(join(dir, 'suite-')), SUITE_TIMEOUT_MS);
  const tail = tailOf(run.output, gatewayStderr());
  assert.ok(run.announced !== undefined && run.announced > 0 && run.results.length === run.announced, `the suite did not run whole${tail}`);
  const report = problems(run.results);
  assert.equal(report, '', `conformance problems through ${url}:\n\n${report}${tail}`);
}

/** Runs the 0.2 line's 2026-07-28 requirements (plus http-header-validation) against `url` and asserts every required scenario passed. */
export async function assertModernRequirementsPass(t: TestContext, url: string, dir: string, gatewayStderr: () => string): Promise<void> {
  const cli = newestConformanceCli();
  const skip = conformanceUnavailable() ?? (cli && isConformance02(cli) ? undefined : 'the 0.2 conformance line is not installed');
  if (skip || !cli) return void t.skip(skip);
  const required = [...new Set([...requiredServerScenarios(cli.path, '2026-07-28'), 'http-header-validation'])];
  const run = await runServerRequirements(url, '2026-07-28', await mkdtemp(join(dir, 'requirements-')), SUITE_TIMEOUT_MS, cli.path);
  const tail = tailOf(run.output, gatewayStderr());
  const ran = new Set(run.results.map((result) => result.scenario));
  assert.deepEqual(required.filter((scenario) => !ran.has(scenario)), [], `no results for required scenarios${tail}`);
  const report = problems(run.results, required);
  assert.equal(report, '', `2026-07-28 conformance problems through ${url}:\n\n${report}${tail}`);
  t.diagnostic(`${required.length} required scenarios passed`);
}
