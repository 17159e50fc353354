// `mcp-bridge chat` and what the Messages API stand-in answers: a server's sampling request answered
// by Claude after the person's "y", a 429 with retry-after retried by the SDK, a 401 as one clear
// line after which the conversation goes on. Real processes; the key never printed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiError, callTools, MessagesApiStandIn, say } from '../fixtures/messages-api.js';
import { assertKeyNeverPrinted, startChat, testServerCommand, killLeftoverChats } from '../helpers/chat.js';

let api: MessagesApiStandIn;
before(async () => (api = await MessagesApiStandIn.start()));
after(async () => {
  killLeftoverChats();
  await api.close();
});

test('a server\'s sampling request is answered by Claude through the API after the person confirms it, and its answer reaches the tool', async () => {
  const first = api.requests.length;
  api.reply(
    callTools('Asking the server.', { id: 'toolu_sample', name: 'sample', input: { prompt: 'Say hi to the server' } }),
    say('Hi from Claude, via sampling.'),
    say('The server got its answer.'),
  );
  const chat = startChat(['--', ...testServerCommand], api.url);
  // Lines wait their turn: the first is the chat's message, the second answers the confirmation.
  chat.type('use the sample tool\n');
  await chat.waitForOutput('let Claude answer it? [y/N]', 'stderr');
  chat.type('y\n');
  await chat.waitForOutput('The server got its answer.', 'stdout');
  chat.endInput();
  assert.equal(await chat.exited(), 0, chat.stderr());

  const [, sampling, last] = api.requests.slice(first);
  assert.ok(sampling && last);
  assert.deepEqual(sampling.body.messages, [{ role: 'user', content: [{ type: 'text', text: 'Say hi to the server' }] }]);
  assert.equal(sampling.body.max_tokens, 100);
  assert.equal(sampling.body.tools, undefined, 'a sampling request offers no tools');
  const results = last.body.messages[2]!.content as { tool_use_id: string; content: { text: string }[]; is_error?: boolean }[];
  assert.equal(results[0]!.tool_use_id, 'toolu_sample');
  assert.equal(results[0]!.is_error, undefined);
  assert.equal(results[0]!.content[0]!.text, 'Hi from Claude, via sampling.');
  assert.match(chat.stderr(), /asks Claude for a reply \(sampling, up to 100 tokens\): Say hi to the server/);
  assertKeyNeverPrinted(chat);
});

test('with --yes a sampling request is answered without asking; refused ones ("n", or --prompt with no input left) come back to Claude as a tool error', async () => {
  const first = api.requests.length;
  api.reply(callTools('', { id: 'toolu_s1', name: 'sample', input: { prompt: 'one' } }), say('sampled'), say('done'));
  const yes = startChat(['--yes', '--prompt', 'sample it', '--', ...testServerCommand], api.url);
  yes.endInput();
  assert.equal(await yes.exited(), 0, yes.stderr());
  assert.match(yes.stderr(), /\(answered: --yes\)/);
  assert.equal(api.requests.length, first + 3);

  api.reply(callTools('', { id: 'toolu_s2', name: 'sample', input: { prompt: 'two' } }), say('refused, fine'));
  const no = startChat(['--', ...testServerCommand], api.url);
  no.type('sample it\nn\n');
  no.endInput();
  assert.equal(await no.exited(), 0, no.stderr());
  const results = api.requests.at(-1)!.body.messages[2]!.content as { tool_use_id: string; is_error?: boolean; content: { text: string }[] }[];
  assert.equal(results[0]!.tool_use_id, 'toolu_s2');
  assert.equal(results[0]!.is_error, true);
  assert.match(results[0]!.content[0]!.text, /refused/);
  assert.equal(api.requests.length, first + 5, 'the refused sampling request never reached the API');

  // --prompt has used piped stdin up: the question finds no input and is refused instead of waiting.
  api.reply(callTools('', { id: 'toolu_s3', name: 'sample', input: { prompt: 'three' } }), say('refused again'));
  const piped = startChat(['--prompt', 'sample it', '--', ...testServerCommand], api.url);
  piped.endInput();
  assert.equal(await piped.exited(), 0, piped.stderr());
  assert.match(piped.stderr(), /sampling refused \(no input left to answer from; --yes answers without asking\)/);
  assert.equal(api.requests.length, first + 7);
});

test('a 429 with retry-after is retried by the SDK after that wait, with one line saying so, and the reply then arrives', async () => {
  const first = api.requests.length;
  api.reply(apiError(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', { 'retry-after': '1' }), say('Answered after the wait.'));
  const chat = startChat(['--prompt', 'hello', '--', ...testServerCommand], api.url);
  chat.endInput();
  assert.equal(await chat.exited(), 0, chat.stderr());
  const [limited, retried] = api.requests.slice(first);
  assert.ok(limited && retried);
  assert.ok(retried.at - limited.at >= 900, `the SDK waited ${retried.at - limited.at} ms, not the 1 s retry-after`);
  assert.equal(retried.headers['x-stainless-retry-count'], '1');
  assert.match(chat.stderr(), /^the Anthropic API is rate limited \(429\); retrying in 1 s \(1\/2\)$/m);
  assert.equal(chat.stdout(), 'Answered after the wait.\n');
});

test('a 429 that outlasts the SDK\'s retries and a 529 overloaded are one line each, with the retry time, and the chat goes on', async () => {
  const first = api.requests.length;
  const limited = apiError(429, 'rate_limit_error', 'rate limited', { 'retry-after-ms': '50', 'retry-after': '30' });
  const overloaded = apiError(529, 'overloaded_error', 'Overloaded', { 'retry-after-ms': '50' });
  api.reply(limited, limited, apiError(429, 'rate_limit_error', 'rate limited', { 'retry-after': '30' }), overloaded, overloaded, overloaded, say('Third time lucky.'));
  const chat = startChat(['--', ...testServerCommand], api.url);
  chat.type('one\ntwo\nthree\n');
  chat.endInput();
  assert.equal(await chat.exited(), 0, chat.stderr());
  assert.equal(api.requests.length, first + 7);
  assert.match(chat.stderr(), /^rate limited by the Anthropic API \(429 \(after 2 retries\)\): retry after 30 s$/m);
  assert.match(chat.stderr(), /^the Anthropic API is overloaded \(529 \(after 2 retries\)\); try again in a moment$/m);
  assert.equal(chat.stdout(), 'Third time lucky.\n');
  // The failed turns left nothing behind: the last request holds only the last message.
  assert.deepEqual(api.requests.at(-1)!.body.messages, [{ role: 'user', content: [{ type: 'text', text: 'three' }] }]);
});

test('a 401 is one clear line naming ANTHROPIC_API_KEY, is not retried, and the conversation goes on', async () => {
  const first = api.requests.length;
  api.reply(apiError(401, 'authentication_error', 'invalid x-api-key'), say('Now it works.'));
  const chat = startChat(['--', ...testServerCommand], api.url, { ANTHROPIC_LOG: 'debug' });
  chat.type('hello\n');
  await chat.waitForOutput('check ANTHROPIC_API_KEY', 'stderr');
  chat.type('again\n');
  await chat.waitForOutput('Now it works.', 'stdout');
  chat.endInput();
  assert.equal(await chat.exited(), 0, chat.stderr());
  assert.equal(api.requests.length, first + 2, 'the 401 was not retried');
  assert.match(chat.stderr(), /^the Anthropic API refused the API key \(401 invalid x-api-key\); check ANTHROPIC_API_KEY$/m);
  assert.deepEqual(api.requests.at(-1)!.body.messages, [{ role: 'user', content: [{ type: 'text', text: 'again' }] }]);
  // Even with the SDK's debug log on (which shows request headers), the key is never printed.
  assertKeyNeverPrinted(chat);
  assert.equal(chat.stdout(), 'Now it works.\n', 'the SDK\'s log stays off stdout');
});
