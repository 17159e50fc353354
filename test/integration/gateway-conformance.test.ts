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
import { conformanceUnavailable } from '../fixtures/conformance-suite.js';
import { assertModernRequirementsPass, assertSuitePasses, SUITE_TIMEOUT_MS } from '../helpers/conformanceRuns.js';

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
      await assertSuitePasses(t, `${gateway.url}/servers/${server}/mcp`, dir, () => gateway.stderr());
    });
  }

  for (const server of ['local', 'modern-remote'] as const) {
    test(`every 2026-07-28 server scenario of the 0.2 line passes through /servers/${server}/mcp`, { timeout: SUITE_TIMEOUT_MS + 30_000 }, async (t) => {
      await assertModernRequirementsPass(t, `${gateway.url}/servers/${server}/mcp`, dir, () => gateway.stderr());
    });
  }
});
