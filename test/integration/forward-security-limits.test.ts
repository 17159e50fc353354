import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Agent, fetch as undiciFetch } from 'undici';
import { startBridge, type RunningBridge } from '../helpers/bridge.js';
import { initializeRequest, openLegacySseSession, openStreamableSession, post } from '../helpers/http.js';
import { fixtureCommand } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';

const KEY = 'cors-and-limits-key';
const server = fixtureCommand('test-server');

async function reasonOf(response: Response): Promise<string> {
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  return ((await response.json()) as { error?: { data?: { reason?: string } } }).error?.data?.reason ?? '';
}

async function stopCleanly(bridge: RunningBridge): Promise<void> {
  assert.equal(await bridge.stop(), 0);
  assert.deepEqual(bridge.children(), []);
}

function preflight(base: string, origin: string): Promise<Response> {
  return fetch(`${base}/mcp`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization, mcp-session-id, mcp-protocol-version' },
  });
}

describe('CORS is off unless asked for', () => {
  test('without --cors: no CORS headers on preflights or answers', async () => {
    const bridge = await startBridge(['--stdio', server]);
    try {
      const answer = await preflight(bridge.url, 'http://localhost:3000');
      assert.equal(answer.headers.get('access-control-allow-origin'), null);
      const initialized = await post(`${bridge.url}/mcp`, initializeRequest(), { origin: 'http://localhost:3000' });
      assert.equal(initialized.status, 200);
      assert.equal(initialized.headers.get('access-control-allow-origin'), null);
      assert.equal(initialized.headers.get('access-control-expose-headers'), null);
      await fetch(`${bridge.url}/mcp`, { method: 'DELETE', headers: { 'mcp-session-id': initialized.headers.get('mcp-session-id')! } });
    } finally {
      await stopCleanly(bridge);
    }
  });

  test('bare --cors with a key: preflights pass without credentials; answers expose Mcp-Session-Id to any origin', async () => {
    const bridge = await startBridge(['--cors', '--apiKey', KEY, '--stdio', server]);
    try {
      const answer = await preflight(bridge.url, 'https://app.example');
      assert.equal(answer.status, 204);
      assert.equal(answer.headers.get('access-control-allow-origin'), '*');
      const allowed = (answer.headers.get('access-control-allow-headers') ?? '').toLowerCase();
      for (const header of ['mcp-session-id', 'mcp-protocol-version', 'last-event-id', 'authorization', 'x-api-key', 'content-type', 'accept']) {
        assert.ok(allowed.includes(header), header);
      }
      const refused = await post(`${bridge.url}/mcp`, initializeRequest(), { origin: 'https://app.example' });
      assert.equal(refused.status, 401);
      assert.equal(refused.headers.get('access-control-allow-origin'), '*', 'the page can read why it was refused');
      await refused.text();
      // Any origin passes the Origin check too; the Host check still applies.
      const initialized = await post(`${bridge.url}/mcp`, initializeRequest(), { origin: 'https://app.example', 'x-api-key': KEY });
      assert.equal(initialized.status, 200);
      assert.match(initialized.headers.get('access-control-expose-headers') ?? '', /Mcp-Session-Id/);
      await initialized.text();
      const headers = { 'x-api-key': KEY, 'mcp-session-id': initialized.headers.get('mcp-session-id')! };
      assert.equal((await fetch(`${bridge.url}/mcp`, { method: 'DELETE', headers })).status, 200);
    } finally {
      await stopCleanly(bridge);
    }
  });

  test('--cors ORIGIN: only that origin gets CORS headers and passes the Origin check', async () => {
    const bridge = await startBridge(['--cors', 'https://app.example', '--stdio', server]);
    try {
      assert.equal((await preflight(bridge.url, 'https://app.example')).headers.get('access-control-allow-origin'), 'https://app.example');
      assert.equal((await preflight(bridge.url, 'https://evil.example')).headers.get('access-control-allow-origin'), null);
      const initialized = await post(`${bridge.url}/mcp`, initializeRequest(), { origin: 'https://app.example' });
      assert.equal(initialized.status, 200);
      assert.equal(initialized.headers.get('access-control-allow-origin'), 'https://app.example');
      await initialized.text();
      await fetch(`${bridge.url}/mcp`, { method: 'DELETE', headers: { 'mcp-session-id': initialized.headers.get('mcp-session-id')! } });
      const foreign = await post(`${bridge.url}/mcp`, initializeRequest(), { origin: 'https://evil.example' });
      assert.equal(foreign.status, 403);
      assert.equal(await reasonOf(foreign), 'ORIGIN_FORBIDDEN');
    } finally {
      await stopCleanly(bridge);
    }
  });
});

describe('--cors preflights allow the headers of every era', () => {
  test('Mcp-Method, Mcp-Name and the requested Mcp-Param-* headers are allowed, any other requested header is not', async () => {
    const bridge = await startBridge(['--cors', 'https://app.example', '--stdio', server]);
    try {
      const requested = 'content-type, mcp-protocol-version, mcp-method, mcp-name, mcp-param-region, Mcp-Param-Dry-Run, x-other, mcp-paramless';
      const answer = await fetch(`${bridge.url}/mcp`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': requested },
      });
      assert.equal(answer.status, 204);
      const allowed = (answer.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(',');
      for (const header of ['mcp-method', 'mcp-name', 'mcp-param-region', 'mcp-param-dry-run', 'mcp-protocol-version', 'mcp-session-id', 'last-event-id', 'authorization', 'x-api-key']) {
        assert.ok(allowed.includes(header), header);
      }
      for (const header of ['x-other', 'mcp-paramless']) assert.ok(!allowed.includes(header), header);
      // The answer depends on the requested headers, so a cache must not hand it to another preflight.
      assert.match(answer.headers.get('vary') ?? '', /Access-Control-Request-Headers/i);
      assert.deepEqual((answer.headers.get('access-control-expose-headers') ?? '').split(','), ['Mcp-Session-Id', 'WWW-Authenticate', 'Retry-After']);
    } finally {
      await stopCleanly(bridge);
    }
  });
});

describe('--rateLimit 3/s', () => {
  let bridge: RunningBridge;
  // Another loopback address as the source: a second client IP without listening beyond 127.0.0.1.
  const otherClient = new Agent({ localAddress: '127.0.0.2' });
  before(async () => {
    bridge = await startBridge(['--rateLimit', '3/s', '--stdio', server]);
  });
  after(async () => {
    await otherClient.close();
    await stopCleanly(bridge);
  });

  test('a burst beyond the limit gets 429 JSON with Retry-After; probes and other client IPs are unaffected; the client recovers after the window', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 8; i++) {
      const response = await fetch(`${bridge.url}/mcp`);
      statuses.push(response.status);
      if (response.status === 429) limited ??= response;
      else await response.text();
    }
    assert.deepEqual(statuses.slice(0, 3), [400, 400, 400], 'the first three pass (and fail for lack of a session id)');
    assert.ok(limited, `some were limited: ${statuses.join(' ')}`);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1, `Retry-After: ${limited.headers.get('retry-after')}`);
    assert.equal(await reasonOf(limited), 'RATE_LIMITED');
    assert.equal((await fetch(`${bridge.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${bridge.url}/readyz`)).status, 200);
    const other = await undiciFetch(`${bridge.url}/mcp`, { dispatcher: otherClient });
    assert.equal(other.status, 400, 'another client IP has its own budget');
    await other.text();
    await waitFor(async () => (await fetch(`${bridge.url}/mcp`)).status === 400, { what: 'the window to pass', intervalMs: 200 });
  });
});

describe('--maxSessions 2', () => {
  let bridge: RunningBridge;
  before(async () => {
    bridge = await startBridge(['--maxSessions', '2', '--stdio', server]);
  });
  after(() => stopCleanly(bridge));

  test('a third session on either transport gets 503 JSON with Retry-After; one closing makes room', async () => {
    const streamable = await openStreamableSession(bridge.url);
    const legacy = await openLegacySseSession(bridge.url);
    try {
      const initialize = await post(`${bridge.url}/mcp`, initializeRequest());
      assert.equal(initialize.status, 503);
      assert.equal(initialize.headers.get('retry-after'), '5');
      assert.equal(await reasonOf(initialize), 'TOO_MANY_SESSIONS');
      const sse = await fetch(`${bridge.url}/sse`);
      assert.equal(sse.status, 503);
      assert.equal(sse.headers.get('retry-after'), '5');
      assert.equal(await reasonOf(sse), 'TOO_MANY_SESSIONS');
      assert.equal((await fetch(`${bridge.url}/readyz`)).status, 200, 'a full gateway is still ready');
      assert.equal(bridge.children().length, 2, 'no server was started for the refused sessions');

      assert.equal((await fetch(`${bridge.url}/mcp`, { method: 'DELETE', headers: streamable.headers })).status, 200);
      const again: string = await waitFor(async () => {
        const response = await post(`${bridge.url}/mcp`, initializeRequest());
        await response.text();
        return response.status === 200 ? response.headers.get('mcp-session-id') : undefined;
      }, { what: 'room for a new session' });
      await fetch(`${bridge.url}/mcp`, { method: 'DELETE', headers: { 'mcp-session-id': again } });
    } finally {
      legacy.close();
    }
  });
});
