import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger, type Logger } from '../../src/shared/log.js';
import { ParamHeaderGate, type ToolPager } from '../../src/downstream/modern/paramHeaderGate.js';

const regionTool = (name = 'run') => ({ name, inputSchema: { type: 'object', properties: { region: { type: 'string', 'x-mcp-header': 'Region' } } } });
const plainTool = (name = 'run') => ({ name, inputSchema: { type: 'object', properties: { region: { type: 'string' } } } });
const call = (name: string, region: string) => ({ name, arguments: { region } });
const none = new Headers();

/** A pager answering from `pages` (one result per page) and counting the pages asked for. */
function pager(pages: Array<Record<string, unknown>>): ToolPager & { asked: Array<string | undefined> } {
  const asked: Array<string | undefined> = [];
  const page = async (cursor: string | undefined) => {
    asked.push(cursor);
    return pages[cursor === undefined ? 0 : Number(cursor)]!;
  };
  return Object.assign(page, { asked });
}

test('before anything was learnt, the first tools/call lists every page itself, once for all calls waiting', async () => {
  const pages = pager([{ tools: [plainTool('a')], nextCursor: '1' }, { tools: [regionTool('b')] }]);
  const gate = new ParamHeaderGate(pages, silentLogger);
  const refusals = await Promise.all([gate.refusal(none, 'tools/call', call('b', 'eu')), gate.refusal(none, 'tools/call', call('a', 'eu'))]);
  assert.deepEqual(pages.asked, [undefined, '1']);
  assert.equal(refusals[0]?.data.mismatch.header, 'Mcp-Param-Region');
  assert.equal(refusals[1], undefined);
  assert.equal(await gate.refusal(new Headers({ 'Mcp-Param-Region': 'eu' }), 'tools/call', call('b', 'eu')), undefined);
  assert.deepEqual(pages.asked, [undefined, '1'], 'the list is not asked for again while it is current');
});

test('other methods and unknown tools are never checked', async () => {
  const pages = pager([{ tools: [regionTool()] }]);
  const gate = new ParamHeaderGate(pages, silentLogger);
  assert.equal(await gate.refusal(none, 'prompts/get', call('run', 'eu')), undefined);
  assert.deepEqual(pages.asked, [], 'nothing is listed for a request that is not a tools/call');
  assert.equal(await gate.refusal(none, 'tools/call', call('unknown', 'eu')), undefined);
});

test('a whole tools/list passing through replaces what was known; a page only adds to it', async () => {
  const pages = pager([{ tools: [] }]);
  const gate = new ParamHeaderGate(pages, silentLogger);
  gate.learn({}, { tools: [regionTool('run')] });
  assert.ok(await gate.refusal(none, 'tools/call', call('run', 'eu')));
  assert.deepEqual(pages.asked, [], 'a whole list passing through makes the bridge current');
  gate.learn({ cursor: 'x' }, { tools: [regionTool('more')] });
  assert.ok(await gate.refusal(none, 'tools/call', call('run', 'eu')), 'a page keeps the tools it does not name');
  assert.ok(await gate.refusal(none, 'tools/call', call('more', 'eu')));
  gate.learn(undefined, { tools: [plainTool('run')] });
  assert.equal(await gate.refusal(none, 'tools/call', call('run', 'eu')), undefined, 'the annotation is gone');
  assert.equal(await gate.refusal(none, 'tools/call', call('more', 'eu')), undefined, 'the tool is gone');
});

test('list_changed makes the next call list the tools again', async () => {
  let tools: object[] = [regionTool()];
  const asked: Array<string | undefined> = [];
  const gate = new ParamHeaderGate(async (cursor) => (asked.push(cursor), { tools }), silentLogger);
  assert.ok(await gate.refusal(none, 'tools/call', call('run', 'eu')));
  tools = [plainTool()];
  assert.ok(await gate.refusal(none, 'tools/call', call('run', 'eu')), 'unchanged until the server says so');
  gate.markStale();
  assert.equal(await gate.refusal(none, 'tools/call', call('run', 'eu')), undefined);
  assert.equal(asked.length, 2);
});

test('a change announced while the bridge lists keeps it stale, so the next call lists again', async () => {
  let release: () => void = () => {};
  const asked: number[] = [];
  const gate = new ParamHeaderGate(async () => {
    asked.push(asked.length);
    if (asked.length === 1) await new Promise<void>((resolve) => (release = resolve));
    return { tools: [regionTool()] };
  }, silentLogger);
  const first = gate.refusal(none, 'tools/call', call('run', 'eu'));
  await new Promise((resolve) => setImmediate(resolve));
  gate.markStale();
  release();
  await first;
  await gate.refusal(none, 'tools/call', call('run', 'eu'));
  assert.equal(asked.length, 2);
});

test('a failed listing lets calls through against what was known, warns, and is not retried until the list changes', async () => {
  const warnings: string[] = [];
  const log: Logger = { ...silentLogger, warn: (message) => void warnings.push(message) };
  let attempts = 0;
  const gate = new ParamHeaderGate(async () => {
    attempts++;
    throw new Error('the server refused tools/list');
  }, log);
  assert.equal(await gate.refusal(none, 'tools/call', call('run', 'eu')), undefined);
  assert.equal(await gate.refusal(none, 'tools/call', call('run', 'eu')), undefined);
  assert.equal(attempts, 1);
  assert.equal(warnings.length, 1);
  gate.markStale();
  await gate.refusal(none, 'tools/call', call('run', 'eu'));
  assert.equal(attempts, 2);
});

test('a tool with an invalid annotation is passed on unchecked, with one warning', async () => {
  const warnings: unknown[] = [];
  const log: Logger = { ...silentLogger, warn: (_message, meta) => void warnings.push(meta) };
  const invalid = { name: 'bad', inputSchema: { type: 'object', properties: { n: { type: 'number', 'x-mcp-header': 'N' } } } };
  const gate = new ParamHeaderGate(async () => ({ tools: [] }), log);
  gate.learn({}, { tools: [invalid] });
  gate.learn({}, { tools: [invalid] });
  assert.equal(await gate.refusal(none, 'tools/call', { name: 'bad', arguments: { n: 1.5 } }), undefined);
  assert.equal(warnings.length, 1);
  assert.equal((warnings[0] as { tool: string }).tool, 'bad');
});
