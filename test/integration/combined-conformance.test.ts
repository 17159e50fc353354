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
import { conformanceUnavailable } from '../fixtures/conformance-suite.js';
import { assertModernRequirementsPass, assertSuitePasses, SUITE_TIMEOUT_MS } from '../helpers/conformanceRuns.js';

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
    await assertSuitePasses(t, `${gateway.url}/mcp`, dir, () => gateway.stderr());
  });

  test('every 2026-07-28 server scenario of the 0.2 line passes through the combined /mcp', { timeout: SUITE_TIMEOUT_MS + 30_000 }, async (t) => {
    await assertModernRequirementsPass(t, `${gateway.url}/mcp`, dir, () => gateway.stderr());
  });
});
