// Gateway mode's opaque pass-through (`passthrough: true` on a remote Streamable HTTP entry): SDK
// clients reach the remote in its own sessions, the entry's headers go along and the gateway's key
// does not, streams flow unbuffered both ways, a remote that is down gets a JSON 502, reloads add,
// change and remove pass-through servers, and a stdio or SSE entry asking for it is refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { cliPath } from '../helpers/paths.js';
import { freePort } from '../helpers/processes.js';
import { startRecordingRemote, type RecordingRemote } from '../helpers/recordingRemote.js';
import { RemoteServer } from '../helpers/remoteServer.js';
import { firstText } from '../helpers/sdkClients.js';
import { readSse } from '../helpers/sseReader.js';
import { waitFor } from '../helpers/wait.js';

const apiKey = 'gateway-key-never-for-remotes';
const auth = { Authorization: `Bearer ${apiKey}` };

/** Writes the file as editors do: a new file renamed over the old one. */
function saveConfig(path: string, content: unknown): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(content, null, 2));
  renameSync(`${path}.tmp`, path);
}

/** One request with node:http, which (unlike fetch) may send hop-by-hop headers; resolves with the whole answer. */
function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'POST', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('gateway mode passes a remote Streamable HTTP server through unchanged', { timeout: 120_000 }, () => {
  let dir: string;
  let bridge: RunningBridge;
  let remote: RemoteServer;
  let recorder: RecordingRemote;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-passthrough-'));
    [remote, recorder] = await Promise.all([RemoteServer.start(), startRecordingRemote()]);
    const path = join(dir, 'claude_desktop_config.json');
    saveConfig(path, {
      mcpServers: {
        fixture: { type: 'http', url: `${remote.url}/mcp` },
        recorder: { url: recorder.url, headers: { 'X-Entry-Token': 'entry-secret', Authorization: 'Bearer remote-token' } },
        down: { type: 'streamable-http', url: `http://127.0.0.1:${await freePort()}/mcp` },
      },
      'mcp-bridge': { servers: { fixture: { passthrough: true }, recorder: { passthrough: true }, down: { passthrough: true } } },
    });
    bridge = await startBridge(['--config', path, '--apiKey', apiKey]);
  });

  after(async () => {
    assert.equal(await bridge.stop(), 0);
    await Promise.all([remote.stop(), recorder.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('an SDK client lists and calls the remote tools through /servers/NAME/mcp, in the session the remote itself opened', async () => {
    const transport = new StreamableHTTPClientTransport(new URL('/servers/fixture/mcp', bridge.url), { requestInit: { headers: auth } });
    const client = new Client({ name: 'passthrough-test', version: '1.0.0' });
    await client.connect(transport);
    const sessionId = transport.sessionId!;
    assert.ok(remote.openSessions().includes(sessionId), 'the client holds the remote session id, unchanged');
    const tools = (await client.listTools()).tools.map((tool) => tool.name);
    assert.ok(tools.includes('echo') && tools.includes('slow'), tools.join(', '));
    assert.equal(firstText(await client.callTool({ name: 'echo', arguments: { text: 'through the gateway' } })), 'through the gateway');
    let progress = 0;
    await client.callTool({ name: 'slow', arguments: { ms: 200, steps: 4 } }, undefined, { onprogress: () => void progress++ });
    assert.ok(progress >= 1, 'progress notifications arrive on the POST stream');
    await transport.terminateSession();
    await waitFor(() => !remote.openSessions().includes(sessionId), { what: 'the DELETE to end the remote session' });
    await client.close();
  });

  test('the entry headers reach the remote, replacing the client ones; the gateway key and hop-by-hop headers do not; the body arrives byte for byte', async () => {
    const body = '{ "jsonrpc" : "2.0", "id": 1,   "method": "tools/list" }  ';
    const answer = await rawRequest(`${bridge.url}/servers/recorder/mcp?probe=1`, {
      headers: { ...auth, 'X-API-Key': apiKey, 'X-Entry-Token': 'client-value', 'Mcp-Session-Id': 'client-session', Connection: 'keep-alive, X-Hop', 'X-Hop': 'hop', 'Proxy-Authorization': 'Basic eDp5', 'Content-Type': 'application/json' },
      body,
    });
    assert.equal(answer.status, 200);
    const seen = recorder.requests.at(-1)!;
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/mcp?probe=1');
    assert.equal(seen.body, body, 'the body is not parsed or re-encoded');
    assert.equal(seen.headers['x-entry-token'], 'entry-secret');
    assert.equal(seen.headers.authorization, 'Bearer remote-token', 'the entry credentials, never the gateway key');
    assert.equal(seen.headers['x-api-key'], undefined);
    assert.ok(!JSON.stringify(seen.headers).includes(apiKey), 'the gateway key is nowhere in what the remote saw');
    assert.equal(seen.headers['mcp-session-id'], 'client-session');
    assert.equal(seen.headers['x-hop'], undefined, 'a header the Connection header names is hop-by-hop');
    assert.equal(seen.headers['proxy-authorization'], undefined);
    assert.equal(seen.headers.host, new URL(recorder.url).host);
    assert.equal(answer.headers['mcp-session-id'], 'remote-session');
    assert.equal(answer.headers['x-remote'], 'yes');
    assert.equal(answer.headers['access-control-allow-origin'], undefined, 'the gateway CORS policy answers, not the remote one');
    assert.equal(answer.headers['keep-alive'], undefined);
    assert.deepEqual(JSON.parse(answer.body), { jsonrpc: '2.0', id: 1, result: { bytes: Buffer.byteLength(body) } });
  });

  // Buffering anywhere on the way would hold an event back, and the test would wait for it until its timeout.
  test('an SSE stream from the remote arrives event by event: each is sent only after the previous one came through', { timeout: 30_000 }, async () => {
    // Headers arrive before any event: a client opening a GET stream waits for them.
    const response = await fetch(`${bridge.url}/servers/recorder/mcp?mode=stream`, { headers: { ...auth, Accept: 'text/event-stream' } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    const events = readSse(response.body!);
    for (let i = 0; i < 50; i++) {
      await recorder.emit(`event ${i}`);
      const next = await events.next();
      assert.equal(next.value?.data, `event ${i}`);
    }
    recorder.endStream();
    assert.equal((await events.next()).done, true);
  });

  test('a request body is streamed to the remote: each chunk is sent only after the previous one reached it', { timeout: 30_000 }, async () => {
    const before = recorder.requests.length;
    let resolveAnswer!: (body: string) => void;
    const answered = new Promise<string>((resolve) => (resolveAnswer = resolve));
    const req = request(`${bridge.url}/servers/recorder/mcp?mode=chunks`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolveAnswer(body));
    });
    const sent: string[] = [];
    for (let i = 0; i < 20; i++) {
      const chunk = `chunk-${i};`;
      sent.push(chunk);
      req.write(chunk);
      await waitFor(() => recorder.requests[before]?.body.endsWith(chunk), { what: `chunk ${i} to reach the remote` });
    }
    req.end();
    assert.equal(JSON.parse(await answered).result.bytes, sent.join('').length);
  });

  test('a remote that is down gets a JSON 502 REMOTE_UNREACHABLE naming the server, never an HTML page', async () => {
    const response = await fetch(`${bridge.url}/servers/down/mcp`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(response.status, 502);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    const body = (await response.json()) as { error: { message: string; data: { reason: string } } };
    assert.equal(body.error.data.reason, 'REMOTE_UNREACHABLE');
    assert.match(body.error.message, /"down": ECONNREFUSED/);
    assert.equal((await fetch(`${bridge.url}/healthz`)).status, 200, 'the gateway goes on');
  });

  test('GET /servers marks it as a remote passed through; its /sse and /message answer a JSON 404 saying pass-through is Streamable HTTP only', async () => {
    const { servers } = (await (await fetch(`${bridge.url}/servers`, { headers: auth })).json()) as { servers: { name: string; kind: string; passthrough?: boolean }[] };
    assert.deepEqual(
      servers.map(({ name, kind, passthrough }) => ({ name, kind, passthrough })),
      ['fixture', 'recorder', 'down'].map((name) => ({ name, kind: 'remote', passthrough: true })),
    );
    for (const [method, path] of [['GET', 'sse'], ['POST', 'message']] as const) {
      const response = await fetch(`${bridge.url}/servers/recorder/${path}`, { method, headers: auth, ...(method === 'POST' && { body: '{}' }) });
      assert.equal(response.status, 404);
      const body = (await response.json()) as { error: { message: string; data: { reason: string } } };
      assert.equal(body.error.data.reason, 'NOT_FOUND');
      assert.match(body.error.message, /passed through .* Streamable HTTP only: use \/servers\/recorder\/mcp/);
    }
  });

  test('the security chain stays in front: without the key or with a foreign Host nothing reaches the remote', async () => {
    const before = recorder.requests.length;
    const unkeyed = await fetch(`${bridge.url}/servers/recorder/mcp`, { method: 'POST', body: '{}' });
    assert.equal(unkeyed.status, 401);
    const rebound = await rawRequest(`${bridge.url}/servers/recorder/mcp`, { headers: { ...auth, Host: 'attacker.example' }, body: '{}' });
    assert.equal(rebound.status, 403);
    assert.equal(recorder.requests.length, before);
  });
});

describe('gateway mode reloads pass-through servers like any other', { timeout: 60_000 }, () => {
  let dir: string;
  let path: string;
  let bridge: RunningBridge;
  let recorder: RecordingRemote;
  const reloads = (): number => bridge.stderr().match(/reloaded the config file/g)?.length ?? 0;
  const config = (servers: Record<string, Record<string, string>>, extra: Record<string, unknown> = {}) => ({
    mcpServers: { ...Object.fromEntries(Object.entries(servers).map(([name, headers]) => [name, { url: recorder.url, headers }])), ...extra },
    'mcp-bridge': { servers: Object.fromEntries(Object.keys({ ...servers, ...extra }).map((name) => [name, { passthrough: true }])) },
  });
  const versionSeen = async (name: string): Promise<string | undefined> => {
    const response = await fetch(`${bridge.url}/servers/${name}/mcp`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 200);
    return recorder.requests.at(-1)!.headers['x-version'] as string | undefined;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-passthrough-reload-'));
    path = join(dir, 'mcp.json');
    recorder = await startRecordingRemote();
    saveConfig(path, config({ first: { 'X-Version': '1' } }));
    bridge = await startBridge(['--config', path]);
  });

  after(async () => {
    assert.equal(await bridge.stop(), 0);
    await recorder.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('added, changed and removed pass-through servers take effect, and passthrough on a stdio server is refused', async () => {
    assert.equal(await versionSeen('first'), '1');
    saveConfig(path, config({ first: { 'X-Version': '2' }, second: { 'X-Version': 'b' } }));
    await waitFor(() => reloads() === 1, { what: 'the reload' });
    assert.equal(await versionSeen('first'), '2', 'the changed entry headers are sent');
    assert.equal(await versionSeen('second'), 'b', 'the added server is passed through');
    saveConfig(path, config({ second: { 'X-Version': 'b' } }));
    await waitFor(() => reloads() === 2, { what: 'the second reload' });
    assert.equal((await fetch(`${bridge.url}/servers/first/mcp`, { method: 'POST', body: '{}' })).status, 404);
    saveConfig(path, config({ second: { 'X-Version': 'b' } }, { local: { command: process.execPath } }));
    await waitFor(() => /reload refused[\s\S]*mcp-bridge\.servers\.local\.passthrough: only a remote Streamable HTTP server/.test(bridge.stderr()), { what: 'the refusal' });
    assert.equal(await versionSeen('second'), 'b', 'the running configuration stays');
  });
});

describe('gateway mode refuses passthrough where it cannot apply', () => {
  test('passthrough on a stdio entry or a legacy SSE remote exits 2 naming the field of each', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-passthrough-config-'));
    try {
      const path = join(dir, 'config.json');
      saveConfig(path, {
        mcpServers: { local: { command: 'node' }, legacy: { type: 'sse', url: 'http://127.0.0.1:9/sse' } },
        'mcp-bridge': { servers: { local: { passthrough: true }, legacy: { passthrough: true } } },
      });
      const result = spawnSync(process.execPath, [cliPath, '--config', path, '--port', '0'], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(result.status, 2);
      assert.match(result.stderr, /mcp-bridge\.servers\.local\.passthrough: only a remote Streamable HTTP server \("url"\) can be passed through; this is a stdio server/);
      assert.match(result.stderr, /mcp-bridge\.servers\.legacy\.passthrough: .*legacy SSE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
