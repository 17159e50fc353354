// `mcp-bridge chat` against the Messages API stand-in: tools offered with their schemas, concurrent
// tool calls on two servers and their results sent back by tool_use_id, tool errors as is_error, and
// --prompt with piped stdin. Real processes; the stand-in records what the chat sent.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { freePort } from '../helpers/processes.js';
import { apiError, callTools, MessagesApiStandIn, say } from '../fixtures/messages-api.js';
import { assertKeyNeverPrinted, FAKE_KEY, startChat, testServerCommand, twoServerConfig, killLeftoverChats } from '../helpers/chat.js';

let api: MessagesApiStandIn;
before(async () => (api = await MessagesApiStandIn.start()));
after(async () => {
  killLeftoverChats();
  await api.close();
});

const apiName = /^[a-zA-Z0-9_-]{1,128}$/;

test('chat offers every tool of two config servers as SERVER__TOOL with its schema, runs two tool calls of one turn concurrently and sends each result back under its tool_use_id', async () => {
  const config = twoServerConfig();
  const first = api.requests.length;
  api.reply(
    callTools('Let me wait on both.', { id: 'toolu_alpha1', name: 'alpha__slow', input: { ms: 600, steps: 2 } }, { id: 'toolu_beta1', name: 'beta__slow', input: { ms: 600, steps: 2 } }),
    say('Both servers waited 600 ms.'),
  );
  const chat = startChat(['--config', config, '--prompt', 'wait on both servers', '--system', 'Be brief.'], api.url);
  chat.endInput();
  try {
    assert.equal(await chat.exited(), 0, chat.stderr());
  } finally {
    rmSync(config, { force: true });
  }
  const [request1, request2] = api.requests.slice(first);
  assert.ok(request1 && request2, 'two API requests');
  // The SDK sends the key (this version as a bearer token, earlier ones as x-api-key).
  assert.ok(request1.headers.authorization === `Bearer ${FAKE_KEY}` || request1.headers['x-api-key'] === FAKE_KEY, 'the key from ANTHROPIC_API_KEY reached the API');
  assert.equal(request1.body.model, 'claude-sonnet-4-5');
  assert.equal(request1.body.system, 'Be brief.');
  assert.equal(request1.body.max_tokens, 8192);
  assert.equal(request1.body.stream, true);
  const tools = request1.body.tools ?? [];
  assert.ok(tools.every((tool) => apiName.test(tool.name)), 'every name fits the API pattern');
  const echo = tools.find((tool) => tool.name === 'alpha__echo');
  assert.ok(echo && tools.some((tool) => tool.name === 'beta__echo'), 'both servers\' tools, prefixed');
  assert.deepEqual((echo.input_schema as { properties: Record<string, unknown> }).properties, { text: { type: 'string' } });
  assert.deepEqual((echo.input_schema as { required: string[] }).required, ['text']);
  assert.match(echo.description ?? '', /Returns its text/);

  // The history: the question, Claude's two calls, and both results answering their ids.
  assert.deepEqual(request2.body.messages.map((message) => message.role), ['user', 'assistant', 'user']);
  assert.deepEqual(request2.body.messages[0]!.content, [{ type: 'text', text: 'wait on both servers' }]);
  const calls = request2.body.messages[1]!.content as { type: string; id?: string; name?: string; input?: unknown }[];
  assert.deepEqual(calls.filter((block) => block.type === 'tool_use').map((block) => [block.id, block.name, block.input]), [
    ['toolu_alpha1', 'alpha__slow', { ms: 600, steps: 2 }],
    ['toolu_beta1', 'beta__slow', { ms: 600, steps: 2 }],
  ]);
  const results = request2.body.messages[2]!.content as { type: string; tool_use_id: string; content: { type: string; text: string }[]; is_error?: boolean }[];
  assert.deepEqual(results.map((result) => [result.type, result.tool_use_id, result.is_error]), [['tool_result', 'toolu_alpha1', undefined], ['tool_result', 'toolu_beta1', undefined]]);
  assert.ok(results.every((result) => result.content.some((block) => block.text === 'waited 600 ms')), JSON.stringify(results));

  // Both calls started before either finished: they ran at the same time, each with its progress.
  const err = chat.stderr();
  const at = (text: string): number => err.indexOf(text);
  assert.ok(at('→ alpha__slow') >= 0 && at('→ beta__slow') >= 0, err);
  assert.ok(Math.max(at('→ alpha__slow'), at('→ beta__slow')) < Math.min(at('← alpha__slow'), at('← beta__slow')), err);
  assert.match(err, /← alpha__slow: waited 600 ms/);
  assert.match(err, /alpha__slow progress 1\/2/);
  assert.match(err, /connected to alpha, beta \(\d+ tools\)/);
  assert.equal(chat.stdout(), 'Let me wait on both.\nBoth servers waited 600 ms.\n');
  assertKeyNeverPrinted(chat);
});

test('a tool error and a tool Claude made up go back as tool_result with is_error, and the turn goes on', async () => {
  const first = api.requests.length;
  api.reply(
    callTools('Adding.', { id: 'toolu_bad', name: 'add', input: { a: 'one', b: 2 } }, { id: 'toolu_ghost', name: 'no_such_tool', input: {} }, { id: 'toolu_ok', name: 'add', input: { a: 1, b: 2 } }),
    say('One call failed.'),
  );
  const chat = startChat(['--prompt', 'add things', '--', ...testServerCommand], api.url);
  chat.endInput();
  assert.equal(await chat.exited(), 0, chat.stderr());
  const request2 = api.requests[first + 1]!;
  // One server: its tools keep their own names.
  assert.ok(api.requests[first]!.body.tools!.some((tool) => tool.name === 'add'));
  const results = request2.body.messages[2]!.content as { tool_use_id: string; is_error?: boolean; content: { text: string }[] }[];
  assert.deepEqual(results.map((result) => [result.tool_use_id, result.is_error ?? false]), [['toolu_bad', true], ['toolu_ghost', true], ['toolu_ok', false]]);
  assert.match(results[0]!.content[0]!.text, /Input validation error|expected number/i);
  assert.match(results[1]!.content[0]!.text, /no tool named no_such_tool/);
  assert.equal(results[2]!.content[0]!.text, '3');
  assert.match(chat.stderr(), /✗ add \(tool error\): /);
  assert.match(chat.stderr(), /✗ no_such_tool: no such tool/);
  assert.match(chat.stdout(), /One call failed\.\n$/);
  assertKeyNeverPrinted(chat);
});

test('--prompt sends its text with the piped stdin after it as one turn, with --model and --maxTokens, and exits 0', async () => {
  const first = api.requests.length;
  api.reply(say('A summary of two lines.'));
  const chat = startChat(['--prompt', 'Summarize this:', '--model', 'claude-test-model', '--maxTokens', '300', '--', ...testServerCommand], api.url);
  chat.type('first line of the file\nsecond line\n');
  chat.endInput();
  assert.equal(await chat.exited(), 0, chat.stderr());
  const request = api.requests[first]!;
  assert.equal(request.body.model, 'claude-test-model');
  assert.equal(request.body.max_tokens, 300);
  assert.deepEqual(request.body.messages, [{ role: 'user', content: [{ type: 'text', text: 'Summarize this:\n\nfirst line of the file\nsecond line' }] }]);
  assert.equal(chat.stdout(), 'A summary of two lines.\n');
  assert.equal(api.requests.length, first + 1);
});

test('$ANTHROPIC_MODEL chooses the model when --model is absent, and an API failure in --prompt exits 1 with one line', async () => {
  const first = api.requests.length;
  api.reply(apiError(400, 'invalid_request_error', 'max_tokens: too large for this model'));
  const chat = startChat(['--prompt', 'hello', '--', ...testServerCommand], api.url, { ANTHROPIC_MODEL: 'claude-from-env' });
  chat.endInput();
  assert.equal(await chat.exited(), 1);
  assert.equal(api.requests[first]!.body.model, 'claude-from-env');
  assert.match(chat.stderr(), /^the Anthropic API refused the request \(400 invalid_request_error\): max_tokens: too large for this model$/m);
  assert.doesNotMatch(chat.stderr(), /\n\s+at /, 'no stack trace');
});

test('an unreachable API is one line after the SDK\'s retries (exit 1 with --prompt); no key, no server or an unknown word exit 2 with one line', async () => {
  // A port nobody listens on any more: connections are refused.
  const lost = startChat(['--prompt', 'hello', '--', ...testServerCommand], `http://127.0.0.1:${await freePort()}`);
  lost.endInput();
  assert.equal(await lost.exited(), 1);
  assert.match(lost.stderr(), /^cannot reach the Anthropic API \(after 2 retries\): ECONNREFUSED; check the network \(or ANTHROPIC_BASE_URL\)$/m);
  assertKeyNeverPrinted(lost);

  const usage: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [['--', ...testServerCommand], { ANTHROPIC_API_KEY: '' }, /^mcp-bridge chat: chat needs an Anthropic API key in ANTHROPIC_API_KEY\n$/],
    [[], {}, /^mcp-bridge chat: chat needs at least one MCP server/],
    [['hello'], {}, /^mcp-bridge chat: chat takes server URLs, --config FILE \[NAME…\] or -- command args; unexpected "hello"\n$/],
  ];
  for (const [args, env, message] of usage) {
    const chat = startChat(args, api.url, env);
    chat.endInput();
    assert.equal(await chat.exited(), 2);
    assert.match(chat.stderr(), message);
  }
});
