// The chat's tool names (the Messages API's pattern, SERVER__TOOL, collisions, the way back) and how
// tool results become tool_result blocks and short lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiSafeName, ToolNames } from '../../src/client/chat/toolNames.js';
import { shortResult, toolFailureBlock, toolResultBlock } from '../../src/client/chat/toolResults.js';

const pattern = /^[a-zA-Z0-9_-]{1,128}$/;

test('a name that fits the API is kept; others get _ for each bad character, and a long one a hash of the whole', () => {
  assert.equal(apiSafeName('get_weather-2'), 'get_weather-2');
  assert.equal(apiSafeName('files.read'), 'files_read');
  assert.equal(apiSafeName(''), '_');
  const long = apiSafeName(`${'x'.repeat(200)}a`);
  const other = apiSafeName(`${'x'.repeat(200)}b`);
  assert.ok(pattern.test(long) && pattern.test(other));
  assert.equal(long.length, 128);
  assert.notEqual(long, other, 'two long names that share their start stay apart');
});

test('with several servers tools are SERVER__TOOL (the separator given), collisions get _2, and each name leads back to its server and tool', () => {
  const names = new ToolNames('__', true);
  assert.equal(names.add(0, 'alpha', 'echo'), 'alpha__echo');
  assert.equal(names.add(1, 'beta', 'echo'), 'beta__echo');
  assert.equal(names.add(1, 'beta', 'files.read'), 'beta__files_read');
  assert.equal(names.add(1, 'beta', 'files/read'), 'beta__files_read_2');
  assert.deepEqual(names.route('beta__files_read_2'), { server: 1, tool: 'files/read' });
  assert.deepEqual(names.route('alpha__echo'), { server: 0, tool: 'echo' });
  assert.equal(names.route('gamma__echo'), undefined);
  assert.equal(names.route('bad name!'), undefined);
  const single = new ToolNames('__', false);
  assert.equal(single.add(0, 'alpha', 'echo'), 'echo');
  assert.equal(new ToolNames('.', true).add(0, 'a', 'b'), 'a_b', 'a separator the API refuses is rewritten too');
});

test('a tool result becomes text and image blocks, other content described, structured content added once, isError as is_error', () => {
  const png = Buffer.from('png bytes').toString('base64');
  const block = toolResultBlock('toolu_1', {
    content: [
      { type: 'text', text: 'hello' },
      { type: 'image', data: png, mimeType: 'image/png' },
      { type: 'image', data: png, mimeType: 'image/bmp' },
      { type: 'audio', data: png, mimeType: 'audio/wav' },
      { type: 'resource', resource: { uri: 'file:///a.txt', text: 'inside' } },
      { type: 'resource_link', uri: 'file:///b', name: 'b' },
    ],
    structuredContent: { n: 1 },
    isError: true,
  });
  assert.equal(block.tool_use_id, 'toolu_1');
  assert.equal(block.is_error, true);
  assert.deepEqual(block.content, [
    { type: 'text', text: 'hello' },
    { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
    { type: 'text', text: '[image image/bmp, 9 bytes, not shown to the model]' },
    { type: 'text', text: '[audio audio/wav, 9 bytes, not shown to the model]' },
    { type: 'text', text: 'resource file:///a.txt:\ninside' },
    { type: 'text', text: 'link to resource file:///b (b)' },
    { type: 'text', text: '{"n":1}' },
  ]);
  const repeated = toolResultBlock('toolu_2', { content: [{ type: 'text', text: '{ "n": 1 }' }], structuredContent: { n: 1 } });
  assert.equal((repeated.content as unknown[]).length, 1, 'structured content the text already says is not repeated');
  assert.equal(repeated.is_error, undefined);
  assert.deepEqual(toolFailureBlock('toolu_3', 'cancelled by the user'), { type: 'tool_result', tool_use_id: 'toolu_3', content: [{ type: 'text', text: 'cancelled by the user' }], is_error: true });
});

test('the short form of a result is its first line, cut at about 120 characters, with a count of the lines left out', () => {
  assert.equal(shortResult({ content: [{ type: 'text', text: 'one\ntwo\nthree' }] }), 'one (+2 more lines)');
  assert.equal(shortResult({ content: [{ type: 'text', text: 'x'.repeat(300) }] }).length, 120);
  assert.equal(shortResult({ content: [], structuredContent: { a: 1 } }), '{"a":1}');
  assert.equal(shortResult({ content: [] }), '(no content)');
});
