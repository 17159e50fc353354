/**
 * The official conformance suite through a gateway's per-server routes: 0.1.16's server scenarios
 * and the 0.2 line's 2026-07-28 requirements against /servers/NAME/mcp, for a stdio entry and for a
 * remote entry (a forward mcp-bridge serving the same conformance server over Streamable HTTP, and for
 * 2026-07-28 one serving the 2026-07-28 fixture).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { fixtureCommand, fixturePath } from '../helpers/paths.js';
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

describe('the conformance suite through a gateway server route', { timeout: 4 * (SUITE_TIMEOUT_MS + 30_000) }, () => {
  let dir: string;
  let remote: RunningBridge;
  let modernRemote: RunningBridge;
  let gateway: RunningBridge;
  const unavailable = conformanceUnavailable();

  before(async () => {
    if (unavailable) return;
    dir = await mkdtemp(join(tmpdir(), 'mcp-bridge-gateway-conformance-'));
    // Remote entries: a forward mcp-bridge serving the session-era conformance server over Streamable HTTP, and one
    // serving the 2026-07-28 fixture (the revision's own wire end to end, as a 2026-07-28 remote would be).
    [remote, modernRemote] = await Promise.all([
      startBridge(['--stdio', fixtureCommand('conformance-server')]),
      startBridge(['--stdio', fixtureCommand('modern-server')]),
    ]);
    const config = join(dir, 'mcp.json');
    await writeFile(config, JSON.stringify({
      mcpServers: {
        local: { command: process.execPath, args: [fixturePath('conformance-server')] },
        remote: { type: 'http', url: `${remote.url}/mcp` },
        'modern-remote': { type: 'http', url: `${modernRemote.url}/mcp` },
      },
    }));
    gateway = await startBridge(['--config', config]);
  });

  after(async () => {
    if (unavailable) return;
    assert.equal(await gateway.stop(), 0);
    assert.deepEqual(gateway.children(), [], 'the gateway left no process behind');
    await Promise.all([remote.stop(), modernRemote.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  for (const server of ['local', 'remote'] as const) {
    test(`every 0.1.16 server scenario passes through /servers/${server}/mcp (a ${server === 'local' ? 'stdio' : 'remote'} entry)`, { timeout: SUITE_TIMEOUT_MS + 30_000 }, async (t) => {
      if (unavailable) return void t.skip(unavailable);
      const outDir = await mkdtemp(join(dir, `suite-${server}-`));
      const run = await runServerSuite(`${gateway.url}/servers/${server}/mcp`, outDir, SUITE_TIMEOUT_MS);
      const tail = `\n--- CLI output (tail) ---\n${run.output.slice(-3000)}\n--- gateway stderr (tail) ---\n${gateway.stderr().slice(-3000)}`;
      assert.ok(run.announced !== undefined && run.announced > 0 && run.results.length === run.announced, `the suite did not run whole${tail}`);
      const report = problems(run.results);
      assert.equal(report, '', `conformance problems through /servers/${server}/mcp:\n\n${report}${tail}`);
    });

  }

  for (const server of ['local', 'modern-remote'] as const) {
    test(`every 2026-07-28 server scenario of the 0.2 line passes through /servers/${server}/mcp`, { timeout: SUITE_TIMEOUT_MS + 30_000 }, async (t) => {
      const cli = newestConformanceCli();
      const skip = unavailable ?? (cli && isConformance02(cli) ? undefined : 'the 0.2 conformance line is not installed');
      if (skip || !cli) return void t.skip(skip);
      const required = [...new Set([...requiredServerScenarios(cli.path, '2026-07-28'), 'http-header-validation'])];
      const outDir = await mkdtemp(join(dir, `requirements-${server}-`));
      const run = await runServerRequirements(`${gateway.url}/servers/${server}/mcp`, '2026-07-28', outDir, SUITE_TIMEOUT_MS, cli.path);
      const tail = `\n--- CLI output (tail) ---\n${run.output.slice(-3000)}\n--- gateway stderr (tail) ---\n${gateway.stderr().slice(-3000)}`;
      const ran = new Set(run.results.map((result) => result.scenario));
      assert.deepEqual(required.filter((scenario) => !ran.has(scenario)), [], `no results for required scenarios${tail}`);
      const report = problems(run.results, required);
      assert.equal(report, '', `2026-07-28 conformance problems through /servers/${server}/mcp:\n\n${report}${tail}`);
      t.diagnostic(`${required.length} required scenarios passed`);
    });
  }
});
