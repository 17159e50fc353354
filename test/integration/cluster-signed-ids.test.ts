/**
 * Scale-out, two replicas sharing a Redis registry: a session (or a paused 2026-07-28 call) opened on
 * one replica is served through the other, which forwards to its owner; a tampered, forged or foreign
 * session id or requestState is refused where it lands (404, or -32602) and never forwarded; a
 * retry whose replica is gone gets the expiry error.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningBridge } from '../helpers/bridge.js';
import { elicitRetry, forwardedTotal, inputRequired, modernCall, modernEnvelope, readiness, startRedisCluster, type RedisCluster } from '../helpers/cluster.js';
import { callTool, messagesOf, openLegacySseSession, post } from '../helpers/http.js';
import { isAlive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

describe('two replicas sharing a Redis registry', () => {
  let cluster: RedisCluster;
  let replicas: RunningBridge[] = [];
  const a = () => replicas[0]!;
  const b = () => replicas[1]!;

  before(async () => {
    cluster = await startRedisCluster(2);
    replicas = cluster.replicas;
  });

  after(() => cluster.stop());

  /** Opens a Streamable HTTP session on `url` and returns the headers that name it. */
  async function openSession(url: string): Promise<Record<string, string>> {
    const init = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'cluster-test', version: '1' } } };
    const response = await post(`${url}/mcp`, init);
    await response.text();
    const id = response.headers.get('mcp-session-id');
    assert.ok(id, `initialize answered ${response.status} without a session id`);
    const headers = { 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' };
    assert.equal((await post(`${url}/mcp`, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers)).status, 202);
    return headers;
  }

  async function echo(url: string, headers: Record<string, string>, text: string): Promise<{ status: number; text?: string }> {
    const response = await post(`${url}/mcp`, callTool(1, 'echo', { text }), headers);
    if (response.status !== 200) return { status: response.status };
    const [answer] = await messagesOf(response);
    return { status: 200, text: (answer?.result as { structuredContent?: { text?: string } } | undefined)?.structuredContent?.text };
  }

  test('session ids name their replica and are signed: <replica>.<random>.<signature>', async () => {
    const headers = await openSession(a().url);
    const replicaId = (await readiness(a().url)).body.cluster?.replica;
    assert.match(headers['mcp-session-id']!, /^[\w-]{12}\.[\w-]{22}\.[\w-]{22}$/);
    assert.equal(headers['mcp-session-id']!.split('.')[0], replicaId);
  });

  test('a Streamable HTTP session opened on one replica is served through the other (POST, GET stream, DELETE), forwarded to its owner', async () => {
    const before = await forwardedTotal([b().url]);
    const headers = await openSession(a().url);
    assert.deepEqual(await echo(b().url, headers, 'through b'), { status: 200, text: 'through b' });
    const stream = await fetch(`${b().url}/mcp`, { headers: { accept: 'text/event-stream', ...headers } });
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type') ?? '', /text\/event-stream/);
    await stream.body?.cancel();
    const deleted = await fetch(`${b().url}/mcp`, { method: 'DELETE', headers });
    assert.equal(deleted.status, 200);
    assert.equal((await echo(a().url, headers, 'gone')).status, 404);
    assert.ok((await forwardedTotal([b().url])) >= before + 3, 'b forwarded the POST, the GET and the DELETE');
  });

  test('a legacy SSE session opened on one replica takes its POST /message through the other', async () => {
    const session = await openLegacySseSession(a().url);
    try {
      const postUrl = new URL(new URL(session.postUrl).pathname + new URL(session.postUrl).search, b().url).href;
      const init = { jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
      assert.equal((await post(postUrl, init)).status, 202);
      await waitFor(() => session.reader.messages().some((message) => message.id === 'init'), { what: 'the initialize answer on the SSE stream' });
      assert.equal((await post(postUrl, callTool(7, 'echo', { text: 'sse via b' }))).status, 202);
      const answer = await waitFor(() => session.reader.messages().find((message) => message.id === 7), { what: 'the echo answer' });
      assert.equal((answer.result as { structuredContent: { text: string } }).structuredContent.text, 'sse via b');
    } finally {
      session.close();
    }
  });

  test('a tampered, forged or foreign session id gets 404 SESSION_NOT_FOUND where it lands and is never forwarded', async () => {
    const headers = await openSession(a().url);
    const id = headers['mcp-session-id']!;
    const [replica, random, signature] = id.split('.') as [string, string, string];
    const bReplica = (await readiness(b().url)).body.cluster!.replica;
    const flip = (text: string) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
    const forged = [
      `${replica}.${random}.${flip(signature)}`, // signature altered
      `${replica}.${flip(random)}.${signature}`, // random part altered
      `${bReplica}.${random}.${signature}`, // another owner named with this id's signature
      `${replica}.${random}`, // no signature
      '0f8fc1c6-8a44-4d6a-b5a4-6c8e4b1f2d3e', // a plain UUID, as a single process would make
    ];
    const before = await forwardedTotal([a().url, b().url]);
    for (const bad of forged) {
      for (const url of [a().url, b().url]) {
        const response = await post(`${url}/mcp`, callTool(1, 'echo', { text: 'x' }), { ...headers, 'mcp-session-id': bad });
        assert.equal(response.status, 404, `${bad} at ${url}`);
        assert.equal(((await response.json()) as { error: { data: { reason: string } } }).error.data.reason, 'SESSION_NOT_FOUND');
      }
      const message = await post(`${b().url}/message?sessionId=${encodeURIComponent(bad)}`, callTool(1, 'echo', { text: 'x' }));
      assert.equal(message.status, 404, `legacy ${bad}`);
    }
    assert.equal(await forwardedTotal([a().url, b().url]), before, 'nothing was forwarded');
    assert.deepEqual(await echo(b().url, headers, 'still fine'), { status: 200, text: 'still fine' });
  });

  test('a 2026-07-28 input_required retry reaching another replica is forwarded to the one holding the paused call', async () => {
    const envelope = modernEnvelope('cluster-modern');
    const args = { message: 'Your name?' };
    const first = await modernCall(a().url, 1, 'elicit', { arguments: args, _meta: envelope });
    const { keys, requestState } = inputRequired(first.answer);
    const before = await forwardedTotal([b().url]);
    const retry = await modernCall(b().url, 2, 'elicit', elicitRetry(args, envelope, keys, requestState, 'Ada'));
    assert.equal(retry.status, 200);
    const result = retry.answer.result as { structuredContent?: { answer?: string } } | undefined;
    assert.equal(result?.structuredContent?.answer, 'Ada', JSON.stringify(retry.answer));
    assert.equal(await forwardedTotal([b().url]), before + 1);
  });

  test('a tampered requestState is refused with -32602 where it lands, never forwarded', async () => {
    const envelope = modernEnvelope('cluster-tamper');
    const args = { message: 'Your name?' };
    const { keys, requestState } = inputRequired((await modernCall(a().url, 1, 'elicit', { arguments: args, _meta: envelope })).answer);
    const tampered = requestState.slice(0, -2) + (requestState.endsWith('AA') ? 'BB' : 'AA');
    const before = await forwardedTotal([b().url]);
    const retry = await modernCall(b().url, 2, 'elicit', elicitRetry(args, envelope, keys, tampered, 'Eve'));
    assert.equal((retry.answer.error as { code: number } | undefined)?.code, -32602, JSON.stringify(retry.answer));
    assert.equal(await forwardedTotal([b().url]), before);
  });

  test('when a replica dies, its sessions get 404 and a retry of its paused call the expiry error (-32602), at once', async () => {
    const envelope = modernEnvelope('cluster-gone');
    const args = { message: 'Your name?' };
    const { keys, requestState } = inputRequired((await modernCall(b().url, 1, 'elicit', { arguments: args, _meta: envelope })).answer);
    const headers = await openSession(b().url);
    const orphans = b().children();
    await b().stop('SIGKILL');
    const started = Date.now();
    assert.equal((await echo(a().url, headers, 'orphan')).status, 404);
    const retry = await modernCall(a().url, 2, 'elicit', elicitRetry(args, envelope, keys, requestState, 'late'));
    const error = retry.answer.error as { code: number; message: string } | undefined;
    assert.equal(error?.code, -32602, JSON.stringify(retry.answer));
    assert.match(error!.message, /expired requestState/);
    assert.ok(Date.now() - started < 2000, 'answered within 2 s');
    // The killed replica's servers see their stdin close and exit.
    await waitFor(() => orphans.every((pid) => !isAlive(pid)), { what: "the killed replica's servers to exit" });
    replicas = [a()];
  });
});
