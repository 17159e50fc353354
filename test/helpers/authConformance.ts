/**
 * The auth/* client scenarios of the official conformance suite, run through the reverse bridge:
 * the rows (scenario, wire, expected behaviour) and one runner, shared by
 * test/integration/reverse-conformance-auth.test.ts (2025-03-26, 2025-11-25 and the client-credentials
 * extension) and reverse-conformance-auth-2026.test.ts (spec 2026-07-28). Two files, because `npm test`
 * gives each file 180 s and 43 runs of the suite's CLI, a driver and a bridge do not fit one on 2 cores.
 *
 * The suite starts a scenario's protected MCP server and authorization server(s) and runs
 * test/fixtures/conformance-auth-driver.ts, a desktop-client stand-in that spawns
 * `mcp-bridge --url <server> --noBrowser --authDir <temp> --callbackPort 0 [sign-in flags]`, plays the
 * browser for each "Open this URL to sign in" the bridge prints, and lists and calls the server's tool
 * through the bridge. Every row must end with no FAILURE or WARNING check and the CLI's verdict PASSED.
 * The 2026-07-28 wire and its scenarios need the 0.2 line of the suite (`newestConformanceCli`); with
 * only 0.1.x installed those rows are skipped, saying so.
 *
 * MCP_BRIDGE_SKIP_AUTH_CONFORMANCE=1 skips them (for development only).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quote } from 'shell-quote';
import { fixturePath } from './paths.js';
import { isAlive } from './processes.js';
import { waitFor } from './wait.js';
import {
  conformanceUnavailable,
  describeChecks,
  isConformance02,
  newestConformanceCli,
  runClientScenario,
  type ClientScenarioRun,
} from '../fixtures/conformance-suite.js';

/**
 * The CLI's limit on one driver run (the driver bounds each call at 45 s). A working sign-in takes a
 * second or two; the margins are for a loaded 2-core machine, where starting a bridge alone took 8 s.
 */
const CLIENT_TIMEOUT_MS = 120_000;
/** Scenarios run this many at a time (each has its own servers on free ports and its own callback port). */
const CONCURRENCY = 4;

export type Wire = '2025-03-26' | '2025-11-25' | '2026-07-28' | 'extension';

export interface Row {
  scenario: string;
  /** The `--spec-version` (and so the wire) to run at; 'extension' runs without one (stateful). */
  wire: Wire;
  /** What the bridge has to do for every check to pass. */
  behaviour: string;
}

/** The scenarios of 2025-11-25 (run at its wire and again at 2026-07-28's). */
export const shared: Omit<Row, 'wire'>[] = [
  { scenario: 'auth/metadata-default', behaviour: 'PRM from WWW-Authenticate resource_metadata (path /.well-known/oauth-protected-resource/mcp, never the root), AS metadata at /.well-known/oauth-authorization-server, DCR, PKCE S256, resource=' },
  { scenario: 'auth/metadata-var1', behaviour: 'no resource_metadata in WWW-Authenticate: PRM probed at the path-based well-known first; AS metadata only at /.well-known/openid-configuration' },
  { scenario: 'auth/metadata-var2', behaviour: 'PRM only at the root well-known (resource is the bare origin, sent back exactly); AS issuer /tenant1, metadata at /.well-known/oauth-authorization-server/tenant1 (never the root)' },
  { scenario: 'auth/metadata-var3', behaviour: 'PRM at a custom resource_metadata URL; AS issuer /tenant1 with OIDC metadata at /tenant1/.well-known/openid-configuration' },
  { scenario: 'auth/basic-cimd', behaviour: 'AS advertises client_id_metadata_document_supported: --clientMetadataUrl is used as client_id, no DCR' },
  { scenario: 'auth/scope-from-www-authenticate', behaviour: 'scope="mcp:basic" from the 401 challenge is requested' },
  { scenario: 'auth/scope-from-scopes-supported', behaviour: 'no scope in the challenge: all of PRM scopes_supported (mcp:basic mcp:read mcp:write) are requested' },
  { scenario: 'auth/scope-omitted-when-undefined', behaviour: 'no scope anywhere: the authorization request has no scope parameter' },
  { scenario: 'auth/scope-step-up', behaviour: '401 scope=mcp:basic on tools/list, then 403 insufficient_scope scope=mcp:write on tools/call: re-authorize with mcp:write (2026-07-28: and keep mcp:basic)' },
  { scenario: 'auth/scope-retry-limit', behaviour: 'a 403 insufficient_scope that never ends: at most 3 authorization requests, then the call fails' },
  { scenario: 'auth/token-endpoint-auth-basic', behaviour: 'DCR returns client_secret_basic: the token request authenticates with HTTP Basic; resource= in both requests' },
  { scenario: 'auth/token-endpoint-auth-post', behaviour: 'DCR returns client_secret_post: client_id/client_secret in the token request body' },
  { scenario: 'auth/token-endpoint-auth-none', behaviour: 'DCR returns a public client (none): no client secret anywhere' },
  { scenario: 'auth/pre-registration', behaviour: 'no registration_endpoint: --clientId/--clientSecret from the context, HTTP Basic at the token endpoint' },
];

/** The scenarios new in 2026-07-28. */
export const new20260728: Omit<Row, 'wire'>[] = [
  { scenario: 'auth/resource-mismatch', behaviour: 'PRM resource is https://evil.example.com/mcp: no authorization request; the call fails' },
  { scenario: 'auth/offline-access-scope', behaviour: 'AS lists offline_access: DCR grant_types include refresh_token (offline_access in scope is optional)' },
  { scenario: 'auth/offline-access-not-supported', behaviour: 'AS does not list offline_access: it is never requested' },
  { scenario: 'auth/authorization-server-migration', behaviour: 'PRM switches to a second AS after a 401: PRM re-fetched, fresh DCR at the new AS, no client_id of the old one reused' },
  { scenario: 'auth/iss-supported', behaviour: 'iss in the callback equals the AS issuer: token exchange proceeds' },
  { scenario: 'auth/iss-not-advertised', behaviour: 'no iss and none advertised: token exchange proceeds' },
  { scenario: 'auth/iss-supported-missing', behaviour: 'iss advertised but missing from the callback: no token request; the call fails' },
  { scenario: 'auth/iss-wrong-issuer', behaviour: 'iss from another issuer: no token request; the call fails' },
  { scenario: 'auth/iss-unexpected', behaviour: 'iss not advertised but present and wrong: no token request; the call fails' },
  { scenario: 'auth/iss-normalized', behaviour: 'iss equal to the issuer only after URL normalisation (trailing /): rejected by plain string comparison' },
  { scenario: 'auth/metadata-issuer-mismatch', behaviour: 'AS metadata issuer differs from the URL it was fetched for: none of its endpoints is used; the call fails' },
];

/**
 * The driver under the Node that runs the tests (the bridge's runtime, not the suite's Node 22).
 * The CLI appends the server URL and runs the line through a shell; `exec` makes the driver the
 * process it kills on timeout.
 */
const driverCommand = `exec ${quote([process.execPath, fixturePath('conformance-auth-driver')])}`;

/** Every FAILURE and WARNING: what keeps the CLI from saying PASSED. */
function problems(run: ClientScenarioRun): string {
  const bad = (run.result?.checks ?? []).filter((check) => check.status === 'FAILURE' || check.status === 'WARNING');
  return bad.length === 0 ? '' : describeChecks(run.result?.scenario ?? '?', bad);
}

/** The pids the driver announced on stderr (`driver pid N`, `bridge pid N`). */
function announcedPids(clientStderr: string): number[] {
  return [...clientStderr.matchAll(/\[driver\] (?:driver|bridge) pid (\d+)/g)].map((match) => Number(match[1]));
}

const cli = newestConformanceCli();
const unavailable = process.env.MCP_BRIDGE_SKIP_AUTH_CONFORMANCE
  ? 'MCP_BRIDGE_SKIP_AUTH_CONFORMANCE is set'
  : (conformanceUnavailable() ?? (cli ? undefined : 'no conformance CLI installed'));
/** Why the 0.2-only rows cannot run, or undefined. */
const no02 = cli && !isConformance02(cli) ? `needs @modelcontextprotocol/conformance >= 0.2 (found ${cli.version}); install the 0.2 line as conformance-next or set MCP_BRIDGE_CONFORMANCE_CLI` : undefined;

/** Declares one describe() running `rows` through the bridge, at most CONCURRENCY at a time. */
export function describeAuthConformance(title: string, rows: Row[]): void {
  describe(title, { skip: unavailable ?? false, concurrency: CONCURRENCY }, () => {
    for (const { scenario, wire, behaviour } of rows) {
      // The 2026-07-28 wire (and its scenarios) exist from the 0.2 line on.
      const skip = wire === '2026-07-28' ? no02 : undefined;
      test(`${scenario} @ ${wire}: ${behaviour}`, { skip: skip ?? false, timeout: CLIENT_TIMEOUT_MS + 30_000 }, async (t) => {
        const outDir = await mkdtemp(join(tmpdir(), 'mcp-bridge-auth-conformance-'));
        try {
          const started = Date.now();
          // 0.1.x knows no wire but 2025-11-25's; the extension scenarios belong to no revision.
          const specVersion = wire === 'extension' || !isConformance02(cli!) ? undefined : wire;
          const run = await runClientScenario(driverCommand, scenario, outDir, CLIENT_TIMEOUT_MS, { specVersion, cli: cli!.path });
          t.diagnostic(`${scenario} @ ${wire} (conformance ${cli!.version}): ${run.result?.checks.length ?? 0} checks in ${Date.now() - started} ms`);
          const context =
            `\n--- conformance CLI output (tail) ---\n${run.output.slice(-3000)}` +
            `\n--- driver, browser and bridge stderr (tail) ---\n${run.clientStderr.slice(-5000)}`;

          assert.ok(run.result, `the CLI wrote no checks for ${scenario} (exit ${run.exitCode})${context}`);
          const report = problems(run);
          assert.equal(report, '', `${scenario} @ ${wire}: checks that failed through the bridge:\n${report}${context}`);
          assert.ok(
            run.result.checks.some((check) => check.status === 'SUCCESS'),
            `no check succeeded:\n${describeChecks(scenario, run.result.checks)}${context}`,
          );
          // Non-zero also when the driver failed (its calls ended otherwise than the scenario expects), exited non-zero or timed out.
          assert.equal(run.exitCode, 0, `the CLI exited with ${run.exitCode} although no check failed${context}`);

          const pids = announcedPids(run.clientStderr);
          assert.equal(pids.length, 2, `the driver did not announce its and the bridge's pids${context}`);
          await waitFor(() => !pids.some(isAlive), { timeoutMs: 5_000, what: 'the driver and its bridge to exit' }).catch(() =>
            assert.fail(`left behind: ${pids.filter(isAlive).join(', ')}${context}`),
          );
        } finally {
          await rm(outDir, { recursive: true, force: true });
        }
      });
    }
  });
}
