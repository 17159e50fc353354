import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startBridge } from '../helpers/bridge.js';
import { openStreamableSession, postForStream, resumeStream, SseReader } from '../helpers/http.js';
import { fixtureCommand } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';

test('a client that loses its POST stream resumes it with Last-Event-ID and gets the rest exactly once', async () => {
  const bridge = await startBridge(['--stdio', fixtureCommand('test-server')]);
  try {
    const { headers } = await openStreamableSession(bridge.url, { version: '2025-11-25' });
    const call = { jsonrpc: '2.0', id: 'long', method: 'tools/call', params: { name: 'slow', arguments: { ms: 900, steps: 3 }, _meta: { progressToken: 'tok' } } };
    const first = await postForStream(`${bridge.url}/mcp`, call, headers);
    const lastSeen = await waitFor(() => first.reader.events.find((e) => e.data.includes('notifications/progress'))?.id, { what: 'the first progress event' });
    first.drop();

    // Until the bridge has seen the abort, the old stream still counts as connected (409): resumeStream polls.
    const resumed = await resumeStream(`${bridge.url}/mcp`, headers, lastSeen);
    assert.equal(resumed.status, 200);
    const after = new SseReader(resumed);
    await waitFor(() => after.messages().some((m) => m.id === 'long'), { what: 'the result on the resumed stream' });
    const progress = after.messages().filter((m) => m.method === 'notifications/progress').map((m) => (m.params as { progress: number }).progress);
    assert.deepEqual(progress, [2, 3], 'the progress after the last seen event, once each, in order');
    assert.ok(after.messages().find((m) => m.id === 'long')!.result, 'the call succeeded');
  } finally {
    assert.equal(await bridge.stop(), 0);
    assert.deepEqual(bridge.children(), []);
  }
});
