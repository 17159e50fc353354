// Failed Messages API calls as one line each (the SDK's own error classes, built as the SDK builds
// them from a response), and the chat's history rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { describeApiError, isAbort, retryAfterText } from '../../src/client/chat/apiErrors.js';
import { appendAssistant, appendPartial, appendUser, type History } from '../../src/client/chat/history.js';

const fromResponse = (status: number, type: string, message: string, headers: Record<string, string> = {}): APIError =>
  APIError.generate(status, { type: 'error', error: { type, message } }, undefined, new Headers(headers));

test('401, 429 with its retry time, 529, a lost connection and other refusals are one line each, without a stack', () => {
  assert.equal(describeApiError(fromResponse(401, 'authentication_error', 'invalid x-api-key'), 2), 'the Anthropic API refused the API key (401 invalid x-api-key); check ANTHROPIC_API_KEY');
  assert.equal(describeApiError(fromResponse(429, 'rate_limit_error', 'slow down', { 'retry-after': '20' }), 2), 'rate limited by the Anthropic API (429 (after 2 retries)): retry after 20 s');
  assert.equal(describeApiError(fromResponse(429, 'rate_limit_error', 'slow down'), 0), 'rate limited by the Anthropic API (429): retry in a moment');
  assert.equal(describeApiError(fromResponse(529, 'overloaded_error', 'Overloaded'), 2), 'the Anthropic API is overloaded (529 (after 2 retries)); try again in a moment');
  assert.equal(describeApiError(fromResponse(500, 'api_error', 'boom'), 2), 'the Anthropic API failed (500 (after 2 retries)): boom');
  assert.equal(describeApiError(fromResponse(400, 'invalid_request_error', 'bad'), 2), 'the Anthropic API refused the request (400 invalid_request_error): bad');
  // An error event in the middle of a stream has no status, only the type.
  assert.match(describeApiError(new APIError(undefined, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, undefined, undefined), 2), /overloaded/);
  const lost = new APIConnectionError({ message: 'Connection error.', cause: Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }) });
  assert.equal(describeApiError(lost, 2), 'cannot reach the Anthropic API (after 2 retries): ECONNREFUSED; check the network (or ANTHROPIC_BASE_URL)');
  assert.ok(isAbort(new APIUserAbortError()));
  assert.ok(!isAbort(lost));
});

test('retry-after-ms wins over retry-after; a date is read as the time left; none or a past one says nothing', () => {
  assert.equal(retryAfterText(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' })), '250 ms');
  assert.equal(retryAfterText(new Headers({ 'retry-after': '1.5' })), '2 s');
  assert.equal(retryAfterText(new Headers({ 'retry-after': new Date(Date.now() + 60_000).toUTCString() })), '60 s');
  assert.equal(retryAfterText(new Headers({ 'retry-after': new Date(Date.now() - 60_000).toUTCString() })), undefined);
  assert.equal(retryAfterText(undefined), undefined);
});

test('the history merges a user message into a user message before it, drops empty text and unanswered tool_use, keeps partial text', () => {
  const history: History = [];
  appendUser(history, [{ type: 'text', text: 'one' }]);
  appendUser(history, [{ type: 'text', text: 'two' }]);
  assert.deepEqual(history, [{ role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] }]);
  const toolUse = { type: 'tool_use' as const, id: 't', name: 'n', input: {}, caller: { type: 'direct' as const } };
  appendAssistant(history, [{ type: 'text', text: '', citations: null }, toolUse], false);
  assert.equal(history.length, 1, 'nothing left to add');
  appendAssistant(history, [{ type: 'text', text: 'hi', citations: null }, toolUse], true);
  assert.deepEqual(history[1], { role: 'assistant', content: [{ type: 'text', text: 'hi' }, { type: 'tool_use', id: 't', name: 'n', input: {} }] });
  appendPartial(history, '   ');
  appendPartial(history, 'Once upon');
  assert.deepEqual(history[2], { role: 'assistant', content: [{ type: 'text', text: 'Once upon' }] });
});
