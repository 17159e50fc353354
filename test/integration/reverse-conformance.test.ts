/**
 * The official conformance suite's client scenarios, with mcp-bridge in reverse mode as the client
 * under test: the suite starts a scenario's test server and runs test/fixtures/conformance-client-driver.ts,
 * a desktop-client stand-in that spawns `mcp-bridge --url <test server>` and speaks to it over stdio
 * with an SDK Client. The driver does only what a desktop app would (initialize, list and call tools,
 * answer elicitation), so the protocol the suite grades on the wire is the bridge's: its handshake
 * relay, its HTTP transport, its reconnection after a closed SSE stream.
 */
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quote } from 'shell-quote';
import { fixturePath } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import {
  conformanceUnavailable,
  describeChecks,
  isConformance02,
  newestConformanceCli,
  runClientScenario,
  type ClientScenarioRun,
} from '../fixtures/conformance-suite.js';

/** The CLI's limit on one driver run; each scenario takes a second or two when it works. */
const CLIENT_TIMEOUT_MS = 30_000;

/** Each client scenario, with the behaviour of the bridge it shows when all its checks pass. */
const scenarios = [
  {
    scenario: 'initialize',
    behaviour: "the desktop client's initialize reaches the remote with a supported protocol version and its clientInfo",
  },
  {
    scenario: 'tools_call',
    behaviour: "a tools/call from the desktop client reaches the remote tool with its arguments and the tool's answer comes back",
  },
  {
    scenario: 'elicitation-sep1034-client-defaults',
    behaviour: "the remote's elicitation request reaches the desktop client and its acceptance, with every default applied, reaches the remote",
  },
  {
    scenario: 'sse-retry',
    behaviour:
      'when the remote closes a response stream after an event id and retry:, the bridge resumes it with GET + Last-Event-ID after the retry delay and delivers the result',
  },
];

/**
 * The 2026-07-28 client scenarios of the conformance 0.2 line, run at that spec version. The driver is
 * still a legacy (SDK v1) desktop client: the stateless wire the suite grades is the bridge's own
 * (server/discover, per-request _meta, standard and Mcp-Param headers, input_required round trips).
 */
const modernScenarios = [
  {
    scenario: 'tools_call',
    behaviour: 'a legacy desktop tools/call reaches a 2026-07-28 remote as a schema-valid stateless request and its answer comes back',
  },
  {
    scenario: 'request-metadata',
    behaviour: "every request carries _meta (protocol version, clientInfo, capabilities) and a matching MCP-Protocol-Version, also after a refused first try",
  },
  {
    scenario: 'http-standard-headers',
    behaviour: 'every request carries Mcp-Method, and tools/call, resources/read and prompts/get carry Mcp-Name',
  },
  {
    scenario: 'http-custom-headers',
    behaviour: 'x-mcp-header tool arguments are mirrored into Mcp-Param headers, Base64-encoded when unsafe and omitted when null',
  },
  {
    scenario: 'http-invalid-tool-headers',
    behaviour: 'tools with invalid x-mcp-header annotations are left out of the list the desktop client sees, valid ones stay callable',
  },
  {
    scenario: 'json-schema-ref-no-deref',
    behaviour: "a network $ref in a tool's inputSchema is never fetched",
  },
  {
    scenario: 'sep-2322-client-request-state',
    behaviour: 'an input_required result becomes an elicitation to the desktop client; the retry has a new id and echoes requestState unchanged, or omits it',
  },
];

/**
 * The driver under the Node that runs this test (the bridge's supported runtime, not the suite's
 * Node 22). The CLI appends the server URL and runs the line through /bin/sh; `exec` makes the
 * driver the process it kills on timeout, so a hung run cannot leave a driver behind.
 */
const driverCommand = `exec ${quote([process.execPath, fixturePath('conformance-client-driver')])}`;

/** Checks that fail the test: every FAILURE and every WARNING (none is expected from these scenarios). */
function problems(run: ClientScenarioRun): string {
  const checks = run.result?.checks ?? [];
  const bad = checks.filter((check) => check.status === 'FAILURE' || check.status === 'WARNING');
  return bad.length === 0 ? '' : describeChecks(run.result?.scenario ?? '?', bad);
}

/** The pids the driver announced on stderr (`driver pid N`, `bridge pid N`). */
function announcedPids(clientStderr: string): { driver: number | undefined; bridge: number | undefined } {
  const pid = (name: string) => {
    const match = new RegExp(`\\[driver\\] ${name} pid (\\d+)`).exec(clientStderr)?.[1];
    return match === undefined ? undefined : Number(match);
  };
  return { driver: pid('driver'), bridge: pid('bridge') };
}

const unavailable = conformanceUnavailable();

/** Runs one client scenario through the driver and asserts it passed cleanly and left no process behind. */
async function passesThroughTheBridge(t: TestContext, scenario: string, options: { specVersion?: string; cli?: string } = {}): Promise<void> {
  const outDir = await mkdtemp(join(tmpdir(), `mcp-bridge-client-conformance-`));
  try {
    const started = Date.now();
    const run = await runClientScenario(driverCommand, scenario, outDir, CLIENT_TIMEOUT_MS, options);
    t.diagnostic(`${scenario}: ${run.result?.checks.length ?? 0} checks in ${Date.now() - started} ms`);
    const context =
      `\n--- conformance CLI output (tail) ---\n${run.output.slice(-4000)}` +
      `\n--- driver and bridge stderr (tail) ---\n${run.clientStderr.slice(-6000)}`;

    assert.ok(run.result, `the CLI wrote no checks for ${scenario} (exit ${run.exitCode})${context}`);
    const report = problems(run);
    assert.equal(report, '', `conformance problems through the bridge:\n${report}${context}`);
    assert.ok(
      run.result.checks.some((check) => check.status === 'SUCCESS'),
      `no check succeeded:\n${describeChecks(scenario, run.result.checks)}${context}`,
    );
    // Non-zero also when the driver failed (its own view of the answers), exited non-zero or timed out.
    assert.equal(run.exitCode, 0, `the CLI exited with ${run.exitCode} although no check failed${context}`);

    const pids = announcedPids(run.clientStderr);
    assert.ok(pids.driver !== undefined && pids.bridge !== undefined, `the driver did not announce its and the bridge's pids${context}`);
    await waitFor(() => !isAlive(pids.driver!) && !isAlive(pids.bridge!), { timeoutMs: 5_000, what: 'the driver and its bridge to exit' }).catch(() =>
      assert.fail(`left behind: ${[pids.driver!, pids.bridge!].filter(isAlive).join(', ')}${context}`),
    );
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

describe('conformance client scenarios, run through the reverse bridge by a stdio desktop client', { skip: unavailable ?? false }, () => {
  for (const { scenario, behaviour } of scenarios) {
    test(`${scenario}: ${behaviour}`, { timeout: CLIENT_TIMEOUT_MS + 30_000 }, (t) => passesThroughTheBridge(t, scenario));
  }
});

const newest = newestConformanceCli();
const modernUnavailable = unavailable ?? (newest && isConformance02(newest) ? undefined : 'needs the conformance 0.2 line (conformance-next)');

describe('conformance 0.2 client scenarios at spec 2026-07-28, a legacy desktop client behind the reverse bridge', { skip: modernUnavailable ?? false }, () => {
  for (const { scenario, behaviour } of modernScenarios) {
    test(`${scenario} (2026-07-28): ${behaviour}`, { timeout: CLIENT_TIMEOUT_MS + 30_000 }, (t) =>
      passesThroughTheBridge(t, scenario, { specVersion: '2026-07-28', cli: newest!.path }),
    );
  }
});
