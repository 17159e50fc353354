// Ctrl-C in `mcp-bridge chat` (SIGINT to the real process): during a streamed reply it aborts the
// stream and returns to the prompt, keeping what was shown; during a tool call the server gets
// notifications/cancelled and Claude a tool_result saying so; with no turn running it exits 130.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { callTools, MessagesApiStandIn, say, type ScriptedReply } from '../fixtures/messages-api.js';
import { assertKeyNeverPrinted, startChat, testServerCommand, killLeftoverChats } from '../helpers/chat.js';
import { waitFor } from '../helpers/wait.js';

let api: MessagesApiStandIn;
before(async () => (api = await MessagesApiStandIn.start()));
after(async () => {
  killLeftoverChats();
  await api.close();
});

const held = (text: string): ScriptedReply => ({ kind: 'message', content: [{ type: 'text', text }], hold: true });

test('Ctrl-C during a streamed reply aborts the stream and returns to the prompt; the next turn carries what was shown; Ctrl-C at the prompt exits 130', async () => {
  const first = api.requests.length;
  api.reply(held('Once upon a time, far away'), say('4'));
  const chat = startChat(['--', ...testServerCommand], api.url);
  chat.type('tell me a long story\n');
  await chat.waitForOutput('Once upo', 'stdout');
  chat.proc.kill('SIGINT');
  await chat.waitForOutput('(interrupted)', 'stderr');
  await waitFor(() => api.requests[first]?.aborted, { what: 'the stand-in to see the stream aborted' });
  assert.equal(chat.proc.exitCode, null, 'still running, at the prompt');

  chat.type('what is 2+2?\n');
  await chat.waitForOutput(/^4$/m, 'stdout');
  assert.deepEqual(api.requests[first + 1]!.body.messages, [
    { role: 'user', content: [{ type: 'text', text: 'tell me a long story' }] },
    { role: 'assistant', content: [{ type: 'text', text: 'Once upo' }] },
    { role: 'user', content: [{ type: 'text', text: 'what is 2+2?' }] },
  ]);
  // No turn running now: this Ctrl-C leaves, and the server process goes with the chat.
  await waitFor(() => /^4\n$/m.test(chat.stdout()));
  chat.proc.kill('SIGINT');
  assert.equal(await chat.exited(), 130, chat.stderr());
  assertKeyNeverPrinted(chat);
});

test('Ctrl-C during a tool call cancels it on the server (notifications/cancelled) and tells Claude in a tool_result; the chat goes on', async () => {
  const first = api.requests.length;
  api.reply(callTools('Waiting a long time.', { id: 'toolu_long', name: 'slow', input: { ms: 60_000, steps: 100 } }), say('Fine, stopped.'));
  // --logLevel info shows the server's stderr, where the test server says it was cancelled.
  const chat = startChat(['--logLevel', 'info', '--', ...testServerCommand], api.url);
  chat.type('wait a minute\n');
  await chat.waitForOutput('slow progress 1/100', 'stderr');
  chat.proc.kill('SIGINT');
  await chat.waitForOutput('cancelled after notifications/cancelled', 'stderr');
  await chat.waitForOutput('(interrupted)', 'stderr');
  assert.match(chat.stderr(), /✗ slow: cancelled by the user/);
  assert.equal(api.requests.length, first + 1, 'the interrupted turn sent nothing more');

  chat.type('ok, stop then\n');
  await chat.waitForOutput('Fine, stopped.', 'stdout');
  const messages = api.requests[first + 1]!.body.messages;
  assert.deepEqual(messages.map((message) => message.role), ['user', 'assistant', 'user']);
  const last = messages[2]!.content as { type: string; tool_use_id?: string; is_error?: boolean; text?: string; content?: { text: string }[] }[];
  assert.deepEqual(last.map((block) => block.type), ['tool_result', 'text']);
  assert.equal(last[0]!.tool_use_id, 'toolu_long');
  assert.equal(last[0]!.is_error, true);
  assert.equal(last[0]!.content![0]!.text, 'cancelled by the user');
  assert.equal(last[1]!.text, 'ok, stop then');
  chat.endInput();
  assert.equal(await chat.exited(), 0, chat.stderr());
  assertKeyNeverPrinted(chat);
});

test('SIGTERM during a streamed reply leaves at once with 130 and the server process goes with the chat', async () => {
  api.reply(held('Never ending'));
  const chat = startChat(['--', ...testServerCommand], api.url);
  chat.type('go\n');
  await chat.waitForOutput('Never', 'stdout');
  assert.ok(chat.children().length > 0, 'the test server runs');
  chat.proc.kill('SIGTERM');
  assert.equal(await chat.exited(), 130);
});
