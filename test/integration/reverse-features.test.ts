/**
 * Every MCP feature of the test server (test/helpers/featureSuite.ts), used by a real SDK stdio client through
 * mcp-bridge in reverse mode, against a remote HTTP MCP server built with the SDK (test/fixtures/remote-server.ts,
 * strict: nothing but `initialize` before initialization), with no forward bridge in between: Streamable HTTP
 * (`--streamableHttp`, `--url` detecting it) and legacy SSE (`--sse`, `--url` falling back to it). On top of the
 * suite: every session is served by the remote server itself, and ends on the remote when its client leaves.
 */
import assert from 'node:assert/strict';
import { describeFeatureSuite, type SessionRole } from '../helpers/featureSuite.js';
import { isAlive } from '../helpers/processes.js';
import { RemoteServer } from '../helpers/remoteServer.js';
import { ALL_REVERSE_KINDS } from '../helpers/sdkClients.js';
import { waitFor } from '../helpers/wait.js';

for (const kind of ALL_REVERSE_KINDS) {
  describeFeatureSuite(`every MCP feature of an SDK-built remote server through mcp-bridge ${kind}`, kind, async () => {
    const remote = await RemoteServer.start({ strict: true });
    const sessions = new Map<SessionRole, string>();
    return {
      url: remote.url,
      sessionOpened: async (role, pid) => {
        assert.equal(pid, remote.pid, 'the session is served by the remote server itself, with no forward bridge in between');
        const known = [...sessions.values()];
        const id = await waitFor(
          () => {
            const fresh = remote.openSessions().filter((open) => !known.includes(open));
            return fresh.length === 1 ? fresh[0] : undefined;
          },
          { what: `one new session on the remote server for the ${role} client` },
        );
        sessions.set(role, id);
      },
      sessionClosed: async (role) => {
        const id = sessions.get(role)!;
        await waitFor(() => !remote.openSessions().includes(id), { what: `remote session ${id} to end after its client left` });
      },
      stop: async () => {
        try {
          await waitFor(() => remote.openSessions().length === 0, { what: 'every remote session to end after its client left' });
          assert.doesNotMatch(remote.stderr(), /^rejected /m, 'the remote rejected nothing the bridge sent');
        } finally {
          const code = await remote.stop();
          assert.equal(code, 0, `remote server exit code; stderr:\n${remote.stderr()}`);
        }
        assert.equal(isAlive(remote.pid), false, 'the remote server is gone');
      },
    };
  });
}
