import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { callTool, initializeRequest, messagesOf, post } from '../helpers/http.js';
import { cliPath, fixtureCommand } from '../helpers/paths.js';
import { firstText } from '../helpers/sdkClients.js';
import { waitFor } from '../helpers/wait.js';

const KEY = 'k3y-for-tests_0123456789';
const server = fixtureCommand('test-server');

/** The JSON error body's reason, after checking the response is JSON. */
async function reasonOf(response: Response): Promise<string> {
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  const body = (await response.json()) as { error?: { data?: { reason?: string } } };
  return body.error?.data?.reason ?? '';
}

async function stopCleanly(bridge: RunningBridge): Promise<void> {
  assert.equal(await bridge.stop(), 0);
  assert.deepEqual(bridge.children(), []);
}

/** Initializes a Streamable HTTP session with extra `headers`; returns the initialize response's status and session id. */
async function initialize(base: string, headers: Record<string, string>): Promise<{ status: number; sessionId: string | null }> {
  const response = await post(`${base}/mcp`, initializeRequest(), headers);
  await response.text();
  return { status: response.status, sessionId: response.headers.get('mcp-session-id') };
}

/** Calls echo on a fresh Streamable HTTP session, sending `auth` headers on every request; returns the echoed text. */
async function echoOverStreamableHttp(base: string, auth: Record<string, string>): Promise<string> {
  const { status, sessionId } = await initialize(base, auth);
  assert.equal(status, 200);
  const headers = { ...auth, 'mcp-session-id': sessionId!, 'mcp-protocol-version': '2025-06-18' };
  await (await post(`${base}/mcp`, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers)).text();
  const [answer] = await messagesOf(await post(`${base}/mcp`, callTool(1, 'echo', { text: 'hi' }), headers));
  assert.equal((await fetch(`${base}/mcp`, { method: 'DELETE', headers })).status, 200);
  return firstText(answer?.result as object);
}

const echoed = 'hi';

describe('with an API key, every MCP endpoint needs it and the health probes do not', () => {
  let bridge: RunningBridge;
  /** The one child spawned at launch for the first session (--headStart), before any request. */
  let headStartChild: number[];
  before(async () => {
    bridge = await startBridge(['--apiKey', KEY, '--logLevel', 'debug', '--stdio', server]);
    headStartChild = bridge.children();
  });
  after(() => stopCleanly(bridge));

  const endpoints: [string, string, unknown][] = [
    ['GET', '/sse', undefined],
    ['POST', `/message?sessionId=${crypto.randomUUID()}`, { jsonrpc: '2.0', id: 1, method: 'ping' }],
    ['GET', '/mcp', undefined],
    ['POST', '/mcp', initializeRequest()],
    ['DELETE', '/mcp', undefined],
    ['GET', '/nowhere', undefined],
    ['GET', '/metrics', undefined],
  ];
  const badCredentials: [string, Record<string, string>][] = [
    ['no key', {}],
    ['a wrong Bearer key', { authorization: `Bearer ${KEY}x` }],
    ['a wrong X-API-Key', { 'x-api-key': KEY.slice(1) }],
    ['the key as Basic credentials', { authorization: `Basic ${Buffer.from(`u:${KEY}`).toString('base64')}` }],
  ];
  for (const [what, headers] of badCredentials) {
    test(`${what} → 401 JSON UNAUTHORIZED with WWW-Authenticate on every endpoint`, async () => {
      for (const [method, path, body] of endpoints) {
        const response = await fetch(`${bridge.url}${path}`, {
          method,
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': crypto.randomUUID(), ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        assert.equal(response.status, 401, `${method} ${path}`);
        assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="mcp-bridge"', `${method} ${path}`);
        assert.equal(await reasonOf(response), 'UNAUTHORIZED', `${method} ${path}`);
      }
      assert.deepEqual(bridge.children(), headStartChild, 'no server process was started beyond the head start');
    });
  }

  test('health and readiness probes answer without a key', async () => {
    assert.equal((await fetch(`${bridge.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${bridge.url}/readyz`)).status, 200);
  });

  test('Authorization: Bearer and X-API-Key both open Streamable HTTP sessions that work', async () => {
    assert.deepEqual(await echoOverStreamableHttp(bridge.url, { authorization: `Bearer ${KEY}` }), echoed);
    assert.deepEqual(await echoOverStreamableHttp(bridge.url, { 'x-api-key': KEY }), echoed);
  });

  test('a POST to a live legacy session still needs the key', async () => {
    const stream = new AbortController();
    const response = await fetch(`${bridge.url}/sse`, { headers: { 'x-api-key': KEY }, signal: stream.signal });
    try {
      assert.equal(response.status, 200);
      const reader = response.body!.getReader();
      let text = '';
      const postUrl = await waitFor(async () => {
        text += new TextDecoder().decode((await reader.read()).value);
        return /data: (\S+)/.exec(text)?.[1];
      });
      const refused = await post(new URL(postUrl, bridge.url).href, callTool(1, 'echo', { text: 'x' }));
      assert.equal(refused.status, 401);
      assert.equal((await post(new URL(postUrl, bridge.url).href, callTool(2, 'echo', { text: 'x' }), { authorization: `Bearer ${KEY}` })).status, 202);
    } finally {
      stream.abort();
    }
  });

  for (const kind of ['Streamable HTTP', 'legacy SSE'] as const) {
    test(`an SDK client over ${kind} with the key in requestInit headers works end to end`, async () => {
      const requestInit = { headers: { Authorization: `Bearer ${KEY}` } };
      const transport =
        kind === 'Streamable HTTP'
          ? new StreamableHTTPClientTransport(new URL('/mcp', bridge.url), { requestInit })
          : new SSEClientTransport(new URL('/sse', bridge.url), { requestInit });
      const client = new Client({ name: 'security-test', version: '1' });
      await client.connect(transport);
      try {
        assert.equal(firstText(await client.callTool({ name: 'echo', arguments: { text: `via ${kind}` } })), `via ${kind}`);
      } finally {
        if (transport instanceof StreamableHTTPClientTransport) await transport.terminateSession();
        await client.close();
      }
    });
  }

  test('an SDK client without the key is refused', async () => {
    const client = new Client({ name: 'security-test', version: '1' });
    await assert.rejects(client.connect(new StreamableHTTPClientTransport(new URL('/mcp', bridge.url))));
    await client.close();
  });

  test('neither the key nor a wrong one reaches the log, even at debug level', () => {
    assert.match(bridge.stderr(), /unauthorized request/);
    assert.ok(!bridge.stderr().includes(KEY.slice(1)), 'no key, not even a part of one, in the log');
  });
});

describe('where the key comes from', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-key-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('--apiKeyFile: the file\'s trimmed content is the key', async () => {
    const file = join(dir, 'key');
    writeFileSync(file, `\n  ${KEY}  \n`);
    const bridge = await startBridge(['--apiKeyFile', file, '--stdio', server]);
    try {
      assert.equal((await initialize(bridge.url, {})).status, 401);
      assert.deepEqual(await echoOverStreamableHttp(bridge.url, { 'x-api-key': KEY }), echoed);
    } finally {
      await stopCleanly(bridge);
    }
  });

  test('MCP_API_KEY in forward mode is the inbound key', async () => {
    const bridge = await startBridge(['--stdio', server], { MCP_API_KEY: KEY });
    try {
      assert.equal((await initialize(bridge.url, { authorization: 'Bearer other' })).status, 401);
      assert.deepEqual(await echoOverStreamableHttp(bridge.url, { authorization: `Bearer ${KEY}` }), echoed);
    } finally {
      await stopCleanly(bridge);
    }
  });

  test('an empty or missing key file is a usage error (exit 2) that names the file', () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '  \n');
    for (const file of [empty, join(dir, 'missing')]) {
      const result = spawnSync(process.execPath, [cliPath, '--port', '0', '--apiKeyFile', file, '--stdio', server], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(result.status, 2);
      assert.ok(result.stderr.includes(file), result.stderr);
    }
  });

  test('--help documents the security flags and the session cap\'s default', () => {
    const { stdout } = spawnSync(process.execPath, [cliPath, '--help'], { encoding: 'utf8', timeout: 20_000 });
    for (const flag of ['--apiKey', '--apiKeyFile', '--cors', '--rateLimit', '--maxSessions']) assert.ok(stdout.includes(flag), flag);
    assert.match(stdout, /--maxSessions[\s\S]*\[default: 1000\]/);
  });
});
