/**
 * SEP-2243 custom headers in forward mode: a 2026-07-28 tools/call must carry the `Mcp-Param-*`
 * headers its tool's `x-mcp-header` annotations call for, matching its arguments, whether the
 * server behind the bridge is session-era (translated) or 2026-07-28 (passed through).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import { HEADER_PARAMS_TOOL } from '../fixtures/conformance-schemas.js';
import { bridgeForSuite } from '../helpers/bridge.js';
import { callTool, messagesOf, openStreamableSession, post } from '../helpers/http.js';
import { fixtureCommand } from '../helpers/paths.js';
import { firstText } from '../helpers/sdkClients.js';

const MODERN = '2026-07-28';
const envelope = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'param-header-test', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

type Answer = { status: number; message: Record<string, unknown> };
type RpcError = { code: number; data?: { reason?: string; mismatch?: { header: string } } };

const base64 = (text: string) => `=?base64?${Buffer.from(text, 'utf8').toString('base64')}?=`;

let nextId = 0;

/** A 2026-07-28 tools/call of the header tool with these arguments and correct standard headers plus `headers`. */
async function callHeaderTool(url: string, args: Record<string, unknown>, headers: Record<string, string>): Promise<Answer> {
  const id = ++nextId;
  const body = { jsonrpc: '2.0', id, method: 'tools/call', params: { name: HEADER_PARAMS_TOOL, arguments: args, _meta: envelope } };
  const response = await post(`${url}/mcp`, body, { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': HEADER_PARAMS_TOOL, ...headers });
  const message = (await messagesOf(response)).find((candidate) => candidate.id === id);
  assert.ok(message, `no answer with id ${id} (HTTP ${response.status})`);
  return { status: response.status, message };
}

function assertServed(answer: Answer, args: Record<string, unknown>): void {
  assert.equal(answer.status, 200, JSON.stringify(answer.message));
  assert.equal(firstText(answer.message.result as object), `Received: ${JSON.stringify(args)}`);
}

function assertRefused(answer: Answer, reason: string, header: string): void {
  assert.equal(answer.status, 400, JSON.stringify(answer.message));
  const error = answer.message.error as RpcError;
  assert.equal(error.code, -32020);
  assert.equal(error.data?.reason, reason);
  assert.equal(error.data?.mismatch?.header, header);
}

for (const [era, fixture] of [
  ['a session-era server', 'conformance-server'],
  ['a 2026-07-28 server', 'modern-server'],
] as const) {
  describe(`Mcp-Param headers in front of ${era}`, () => {
    const bridge = bridgeForSuite(['--stdio', fixtureCommand(fixture)]);

    test('before any client listed the tools, the bridge lists them itself: a call without its Mcp-Param header is refused', async () => {
      assertRefused(await callHeaderTool(bridge().url, { region: 'eu-west1' }, {}), 'HEADER_MISMATCH', 'Mcp-Param-Region');
    });

    test('headers matching the arguments are served: plain, Base64-wrapped, in any case, integers compared as numbers', async () => {
      assertServed(await callHeaderTool(bridge().url, { region: 'eu-west1' }, { 'Mcp-Param-Region': 'eu-west1' }), { region: 'eu-west1' });
      assertServed(await callHeaderTool(bridge().url, { region: 'Zürich 世界' }, { 'mcp-param-region': base64('Zürich 世界') }), { region: 'Zürich 世界' });
      const all = { region: ' padded ', priority: 42, dryRun: false, query: 'not a header' };
      assertServed(await callHeaderTool(bridge().url, all, { 'MCP-PARAM-REGION': base64(' padded '), 'Mcp-Param-Priority': '42.0', 'Mcp-Param-Dry-Run': 'false' }), all);
    });

    test('a missing, different or malformed Mcp-Param header is refused with 400 and -32020 naming it', async () => {
      const url = bridge().url;
      assertRefused(await callHeaderTool(url, { region: 'eu', priority: 7 }, { 'Mcp-Param-Region': 'eu' }), 'HEADER_MISMATCH', 'Mcp-Param-Priority');
      assertRefused(await callHeaderTool(url, { region: 'eu' }, { 'Mcp-Param-Region': 'us' }), 'HEADER_MISMATCH', 'Mcp-Param-Region');
      assertRefused(await callHeaderTool(url, { region: 'eu', priority: 7 }, { 'Mcp-Param-Region': 'eu', 'Mcp-Param-Priority': '8' }), 'HEADER_MISMATCH', 'Mcp-Param-Priority');
      assertRefused(await callHeaderTool(url, { region: 'eu', dryRun: true }, { 'Mcp-Param-Region': 'eu', 'Mcp-Param-Dry-Run': 'TRUE' }), 'HEADER_MISMATCH', 'Mcp-Param-Dry-Run');
      assertRefused(await callHeaderTool(url, { region: 'Hello' }, { 'Mcp-Param-Region': '=?base64?SGVsbG8?=' }), 'HEADER_MALFORMED', 'Mcp-Param-Region');
      assertRefused(await callHeaderTool(url, { region: 'Hello' }, { 'Mcp-Param-Region': '=?base64?SGVs!!!bG8=?=' }), 'HEADER_MALFORMED', 'Mcp-Param-Region');
      // Base64 of bytes that are not UTF-8.
      assertRefused(await callHeaderTool(url, { region: 'x' }, { 'Mcp-Param-Region': '=?base64?/w==?=' }), 'HEADER_MALFORMED', 'Mcp-Param-Region');
    });

    test('a value only looking half-wrapped is taken literally', async () => {
      const halfWrapped = `=?base64?${Buffer.from('Hello').toString('base64')}`;
      assertServed(await callHeaderTool(bridge().url, { region: halfWrapped }, { 'Mcp-Param-Region': halfWrapped }), { region: halfWrapped });
    });

    test('null and absent arguments need no header, and a header without its argument is not looked at', async () => {
      assertServed(await callHeaderTool(bridge().url, { region: 'eu' }, { 'Mcp-Param-Region': 'eu', 'Mcp-Param-Dry-Run': 'whatever' }), { region: 'eu' });
      // Whether null is a valid priority is the server's business (the 2026-07-28 one says no, as a tool error).
      const nulled = await callHeaderTool(bridge().url, { region: 'eu', priority: null }, { 'Mcp-Param-Region': 'eu' });
      assert.equal(nulled.status, 200);
      assert.ok('result' in nulled.message, JSON.stringify(nulled.message));
    });

    test('a 2026-07-28 SDK client writes the headers itself and its calls are served', async () => {
      const client = new ModernClient({ name: 'param-header-sdk-client', version: '1.0.0' }, { versionNegotiation: { mode: { pin: MODERN } } });
      await client.connect(new ModernTransport(new URL('/mcp', bridge().url)));
      try {
        const { tools } = await client.listTools();
        assert.ok(tools.some((tool) => tool.name === HEADER_PARAMS_TOOL));
        const args = { region: 'São Paulo', priority: -3, dryRun: true };
        assert.equal(firstText(await client.callTool({ name: HEADER_PARAMS_TOOL, arguments: args })), `Received: ${JSON.stringify(args)}`);
      } finally {
        await client.close();
      }
    });
  });
}

describe('Mcp-Param headers on session-era Streamable HTTP', () => {
  const bridge = bridgeForSuite(['--stdio', fixtureCommand('conformance-server')]);

  test('are not checked: SEP-2243 belongs to 2026-07-28, so a session-era call without or with a wrong header is served', async () => {
    const { headers } = await openStreamableSession(bridge().url);
    for (const extra of [{}, { 'Mcp-Param-Region': 'elsewhere' }, { 'Mcp-Param-Region': '=?base64?broken?=' }] as Record<string, string>[]) {
      const response = await post(`${bridge().url}/mcp`, callTool(1, HEADER_PARAMS_TOOL, { region: 'eu' }), { ...headers, ...extra });
      const [answer] = await messagesOf(response);
      assert.equal(response.status, 200);
      assert.equal(firstText(answer!.result as object), `Received: ${JSON.stringify({ region: 'eu' })}`);
    }
  });
});
