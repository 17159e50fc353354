/**
 * Fault injection at the door: bursts of DNS-rebinding attempts and of wrong or missing API keys.
 * Each is refused with JSON, starts no server process, leaves an authorized session working and
 * keeps the gateway's memory bounded.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { callTool, initializeRequest, messagesOf, post } from '../helpers/http.js';
import { faultServer, withBridge } from '../helpers/faults.js';

const KEY = 'door-key-0123456789';
const BURST = 200;

/** The `reason` of a JSON error response. */
async function reasonOf(response: Response): Promise<string> {
  return ((await response.json()) as { error: { data: { reason: string } } }).error.data.reason;
}

/** A raw request with a forged Host header (fetch does not let a caller set Host). */
function withHost(url: string, host: string, headers: Record<string, string>): Promise<{ status: number; type: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: '/mcp', method: 'POST', headers: { ...headers, host, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(initializeRequest()));
  });
}

test(`${BURST} DNS-rebinding attempts and ${BURST} bad keys are refused with JSON; an authorized session keeps working`, async (t) => {
  await withBridge(
    ['--apiKey', KEY, ...faultServer()],
    async (bridge) => {
      const auth = { authorization: `Bearer ${KEY}` };
      const opened = await post(`${bridge.url}/mcp`, initializeRequest(), auth);
      await opened.text();
      const headers = { ...auth, 'mcp-session-id': opened.headers.get('mcp-session-id')!, 'mcp-protocol-version': '2025-06-18' };
      const childrenBefore = bridge.children().length;
      for (let i = 0; i < BURST; i++) {
        const rebound = await withHost(bridge.url, `attacker-${i}.example:80`, auth);
        assert.deepEqual([rebound.status, rebound.type.startsWith('application/json')], [403, true]);
        const origin = await post(`${bridge.url}/mcp`, initializeRequest(), { ...auth, origin: `http://evil-${i}.example` });
        assert.deepEqual([origin.status, await reasonOf(origin)], [403, 'ORIGIN_FORBIDDEN']);
        const keyless: Record<string, string> = i % 2 === 0 ? {} : { 'x-api-key': `${KEY}${i}` };
        const refused = await post(`${bridge.url}/mcp`, callTool(i, 'echo', { text: 'x' }), { ...keyless, 'mcp-session-id': headers['mcp-session-id'] });
        assert.deepEqual([refused.status, await reasonOf(refused)], [401, 'UNAUTHORIZED']);
        if (i % 50 === 0) {
          const [answer] = await messagesOf(await post(`${bridge.url}/mcp`, callTool(`ok-${i}`, 'echo', { text: 'authorized' }), headers));
          assert.deepEqual(answer?.result, { content: [{ type: 'text', text: 'authorized' }] });
        }
      }
      assert.equal(bridge.children().length, childrenBefore, 'no refused request started a server process');
      assert.equal((await fetch(`${bridge.url}/mcp`, { method: 'DELETE', headers })).status, 200);
    },
    { t },
  );
});
