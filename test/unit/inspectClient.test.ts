// The inspect client's pure parts: tab completion of the shell, key=value arguments typed by a tool's
// schema, and an elicitation form asked field by field.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { promptArguments, toolArguments } from '../../src/client/arguments.js';
import { completeLine, type CompletionNames } from '../../src/client/completer.js';
import { askForm } from '../../src/client/elicitation.js';

const names: CompletionNames = {
  tools: ['get-sum', 'get-tiny-image', 'echo'],
  prompts: ['simple-prompt', 'args-prompt'],
  resources: ['demo://resource/static/document/a.md', 'demo://resource/static/document/b.md'],
  toolArguments: { 'get-sum': ['a', 'b'], echo: ['message'] },
  promptArguments: { 'args-prompt': ['city', 'state'] },
};

describe('shell completion', () => {
  test('the first word completes to commands', () => {
    assert.deepEqual(completeLine('pr', names), [['prompt', 'prompts'], 'pr']);
    assert.deepEqual(completeLine('', names)[0].slice(0, 3), ['call', 'read', 'prompt']);
  });

  test('call, prompt and read complete tool, prompt and resource names', () => {
    assert.deepEqual(completeLine('call get-', names), [['get-sum', 'get-tiny-image'], 'get-']);
    assert.deepEqual(completeLine('prompt a', names), [['args-prompt'], 'a']);
    assert.deepEqual(completeLine('read demo://resource/static/document/b', names), [['demo://resource/static/document/b.md'], 'demo://resource/static/document/b']);
  });

  test('after a name, its argument names complete as key=, without those already given', () => {
    assert.deepEqual(completeLine('call get-sum ', names), [['a=', 'b='], '']);
    assert.deepEqual(completeLine('call get-sum a=1 ', names), [['b='], '']);
    assert.deepEqual(completeLine('prompt args-prompt c', names), [['city='], 'c']);
    assert.deepEqual(completeLine('call get-sum a=1', names), [[], 'a=1']);
    assert.deepEqual(completeLine('call unknown x', names), [[], 'x']);
  });
});

describe('key=value arguments', () => {
  const tool = {
    name: 'demo',
    inputSchema: {
      type: 'object' as const,
      properties: {
        count: { type: 'integer' }, ratio: { type: 'number' }, on: { type: 'boolean' }, text: { type: 'string' },
        options: { type: 'object' }, tags: { type: 'array' }, either: { type: ['number', 'string'] }, loose: {},
      },
      required: ['count'],
    },
  };

  test('values are typed by the schema: integers, numbers, booleans, JSON objects and arrays, text', () => {
    assert.deepEqual(toolArguments(tool, ['count=3', 'ratio=0.5', 'on=true', 'text=42', 'options={"a":1}', 'tags=["x"]', 'either=7', 'loose=null']), {
      count: 3, ratio: 0.5, on: true, text: '42', options: { a: 1 }, tags: ['x'], either: 7, loose: null,
    });
    assert.deepEqual(toolArguments(tool, ['count=1', 'either=seven', 'loose=plain words', 'text=a=b']), { count: 1, either: 'seven', loose: 'plain words', text: 'a=b' });
  });

  test('--args JSON is the base, key=value words go on top', () => {
    assert.deepEqual(toolArguments(tool, ['ratio=2'], { count: 1, ratio: 1 }), { count: 1, ratio: 2 });
  });

  test('a value of the wrong type, a malformed pair, a missing required argument and a forbidden key are refused', () => {
    assert.throws(() => toolArguments(tool, ['count=1.5']), /count=1\.5: expected integer/);
    assert.throws(() => toolArguments(tool, ['count=1', 'on=maybe']), /on=maybe: expected boolean/);
    assert.throws(() => toolArguments(tool, ['count']), /"count" is not key=value/);
    assert.throws(() => toolArguments(tool, ['ratio=1']), /demo needs count=…/);
    assert.throws(() => toolArguments({ name: 'strict', inputSchema: { type: 'object', properties: {}, additionalProperties: false } }, ['x=1']), /strict has no argument "x"/);
  });

  test('prompt arguments stay text and are checked against the prompt\'s list', () => {
    const prompt = { name: 'p', arguments: [{ name: 'city', required: true }, { name: 'state' }] };
    assert.deepEqual(promptArguments(prompt, ['city=7']), { city: '7' });
    assert.throws(() => promptArguments(prompt, ['state=x']), /prompt p needs city=…/);
    assert.throws(() => promptArguments(prompt, ['city=x', 'zip=1']), /prompt p has no argument "zip"/);
  });
});

describe('an elicitation form at the terminal', () => {
  const form = {
    message: 'Who are you?',
    requestedSchema: {
      type: 'object' as const,
      properties: {
        name: { type: 'string' as const, title: 'Name' },
        age: { type: 'integer' as const, minimum: 0 },
        agree: { type: 'boolean' as const, default: false },
        color: { type: 'string' as const, enum: ['red', 'green'] },
      },
      required: ['name'],
    },
  };
  const io = (answers: string[]): { ask: (q: string) => Promise<string | undefined>; say: (t: string) => void; said: string[] } => {
    const said: string[] = [];
    return { said, say: (text) => said.push(text), ask: async (question) => (said.push(question), answers.shift()) };
  };

  test('each field is asked in turn, retried when invalid, defaulted when empty, and the answers accepted', async () => {
    const terminal = io(['', 'Ada', 'old', '36', '', '2']);
    assert.deepEqual(await askForm(form, terminal), { action: 'accept', content: { name: 'Ada', age: 36, agree: false, color: 'green' } });
    assert.ok(terminal.said.includes('  required'));
    assert.ok(terminal.said.includes('  expected a whole number'));
  });

  test(':decline and :cancel refuse; input that ends cancels', async () => {
    assert.deepEqual(await askForm(form, io(['Ada', ':decline'])), { action: 'decline' });
    assert.deepEqual(await askForm(form, io([':cancel'])), { action: 'cancel' });
    assert.deepEqual(await askForm(form, io(['Ada'])), { action: 'cancel' });
  });
});
