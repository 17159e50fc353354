/**
 * The 2026-07-28 revision of the official conformance suite (0.2 line, `--requirements
 * 2026-07-28`) against mcp-bridge: every scenario that revision requires of a server must pass
 * through the bridge, once with a session-era stdio server behind it (the bridge translates:
 * discovery from initialize, server-to-client requests into input_required results) and once
 * with a 2026-07-28 stdio server (the bridge passes requests through). Not-scored scenarios
 * (the tasks extension, pending ones) run too but are only reported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBridge } from '../helpers/bridge.js';
import { SUITE_TIMEOUT_MS } from '../helpers/conformanceRuns.js';
import { fixtureCommand } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import {
  conformanceUnavailable,
  describeChecks,
  isConformance02,
  newestConformanceCli,
  requiredServerScenarios,
  runServerRequirements,
} from '../fixtures/conformance-suite.js';


for (const [REVISION, era, fixture] of [
  ['2026-07-28', 'a session-era (legacy) stdio server', 'conformance-server'],
  ['2026-07-28', 'a 2026-07-28 stdio server', 'modern-server'],
  // The session eras as the 0.2 line grades them (0.1.16's run is conformance.test.ts).
  ['2025-11-25', 'a session-era stdio server', 'conformance-server'],
] as const) {
  test(`every ${REVISION} server scenario passes through the bridge in front of ${era}`, { timeout: SUITE_TIMEOUT_MS + 30_000 }, async (t) => {
    const cli = newestConformanceCli();
    const unavailable = conformanceUnavailable() ?? (cli && isConformance02(cli) ? undefined : 'the 0.2 conformance line is not installed');
    if (unavailable || !cli) return void t.skip(unavailable);
    // The revision's frozen list leaves out scenarios the suite still marks pending (against its own reference server);
    // these pass through the bridge, so they count too: http-header-validation (issue 6), SEP-2243's
    // http-custom-header-server-validation (issue 13; the fixtures' test_header_params declares x-mcp-header) and json-schema-2020-12.
    const extra = REVISION === '2026-07-28' ? ['http-header-validation', 'http-custom-header-server-validation', 'json-schema-2020-12'] : [];
    const required = [...new Set([...requiredServerScenarios(cli.path, REVISION), ...extra])];
    const outDir = await mkdtemp(join(tmpdir(), 'mcp-bridge-conformance-2026-'));
    const bridge = await startBridge(['--stdio', fixtureCommand(fixture)]);
    let seenChildren: number[] = [];
    try {
      const run = await runServerRequirements(`${bridge.url}/mcp`, REVISION, outDir, SUITE_TIMEOUT_MS, cli.path);
      seenChildren = bridge.children();
      const tail = `\n--- CLI output (tail) ---\n${run.output.slice(-3000)}\n--- bridge stderr (tail) ---\n${bridge.stderr().slice(-3000)}`;
      const byName = new Map(run.results.map((result) => [result.scenario, result]));
      const missing = required.filter((scenario) => !byName.has(scenario));
      assert.deepEqual(missing, [], `no results for required scenarios${tail}`);
      const problems = required
        .map((scenario) => byName.get(scenario)!)
        .filter(({ checks }) => checks.some((check) => check.status === 'FAILURE' || check.status === 'WARNING'))
        .map(({ scenario, checks }) => `✗ ${scenario}\n${describeChecks(scenario, checks)}`);
      assert.equal(problems.join('\n\n'), '', `${REVISION} conformance problems through the bridge:\n\n${problems.join('\n\n')}${tail}`);
      t.diagnostic(`${required.length} required scenarios passed; not scored: ${run.results.filter((r) => !required.includes(r.scenario)).map((r) => r.scenario).join(', ')}`);
    } finally {
      await bridge.stop();
      await rm(outDir, { recursive: true, force: true });
    }
    assert.deepEqual(bridge.children(), [], 'the bridge left descendants behind');
    await waitFor(() => seenChildren.every((pid) => !isAlive(pid)), { timeoutMs: 5_000, what: 'children to exit' });
  });
}
