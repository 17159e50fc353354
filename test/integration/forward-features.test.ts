/**
 * Every MCP feature of the test server (test/helpers/featureSuite.ts), used by real SDK clients through the
 * forward bridge, over both client transports and through the chain stdio client → mcp-bridge (reverse, each
 * remote flag) → mcp-bridge (forward) → stdio server. On top of the suite: each session runs in its own child
 * of the bridge, which ends when its client leaves, and no child survives the bridge.
 */
import assert from 'node:assert/strict';
import { startBridge } from '../helpers/bridge.js';
import { describeFeatureSuite, type SessionRole } from '../helpers/featureSuite.js';
import { fixtureCommand } from '../helpers/paths.js';
import { isAlive } from '../helpers/processes.js';
import { REVERSE_KINDS, TRANSPORTS } from '../helpers/sdkClients.js';
import { waitFor } from '../helpers/wait.js';

for (const kind of [...TRANSPORTS, ...REVERSE_KINDS]) {
  describeFeatureSuite(`forwarding every MCP feature over ${kind}`, kind, async () => {
    const bridge = await startBridge(['--stdio', fixtureCommand('test-server')]);
    const pids = new Map<SessionRole, number>();
    return {
      url: bridge.url,
      // The session-era chain, whose sessions each own a child; the 2026-07-28 chain is in reverse-modern-chain.
      reverseArgs: ['--protocolEra', 'legacy'],
      sessionOpened: (role, pid) => {
        assert.ok(bridge.children().includes(pid), `the ${role} session child ${pid} is a descendant of the bridge`);
        assert.ok(![...pids.values()].includes(pid), 'each session has its own child');
        pids.set(role, pid);
      },
      sessionClosed: async (role) => {
        const pid = pids.get(role)!;
        await waitFor(() => !isAlive(pid), { what: `child ${pid} to end after its client left` });
      },
      stop: async () => {
        try {
          await waitFor(() => [...pids.values()].every((pid) => !isAlive(pid)), { what: 'every session child to end after its client left' });
          await waitFor(() => bridge.children().length === 0, { what: 'the bridge to have no children left' });
        } finally {
          const code = await bridge.stop();
          assert.equal(code, 0, `bridge exit code; stderr:\n${bridge.stderr()}`);
        }
        assert.deepEqual([...pids.values()].filter(isAlive), [], 'no child survives the bridge');
        assert.equal(isAlive(bridge.pid), false, 'the bridge is gone');
      },
    };
  });
}
