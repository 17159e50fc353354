// The combined endpoint's pure parts: offered names and prefix collisions, allow/deny globs, the
// opaque cursor, and URI template matching.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCursor, encodeCursor } from '../../src/combined/cursor.js';
import { compileFilter } from '../../src/combined/filters.js';
import { NameTable, offeredName, prefixCollisions } from '../../src/combined/naming.js';
import { matchesTemplate } from '../../src/combined/uriTemplate.js';
import { BridgeError } from '../../src/shared/errors.js';

test('a name is offered as prefix + separator + name, and as itself under an empty prefix', () => {
  assert.equal(offeredName('github', '__', 'create_issue'), 'github__create_issue');
  assert.equal(offeredName('gh', '.', 'create_issue'), 'gh.create_issue');
  assert.equal(offeredName('', '__', 'create_issue'), 'create_issue');
});

test('two servers with the same non-empty prefix collide statically, naming both; empty prefixes do not', () => {
  assert.deepEqual(prefixCollisions([{ name: 'a', prefix: '' }, { name: 'b', prefix: '' }, { name: 'c', prefix: 'c' }]), []);
  const [problem, ...rest] = prefixCollisions([{ name: 'a', prefix: 'x' }, { name: 'b', prefix: 'y' }, { name: 'c', prefix: 'x' }]);
  assert.deepEqual(rest, []);
  assert.match(problem!, /servers "a" and "c" both have the prefix "x"/);
});

test('the first server to offer a name keeps it and a later one is recorded as a collision; names resolve back to their server', () => {
  const table = new NameTable();
  assert.equal(table.add('echo', 'first', 'echo'), true);
  assert.equal(table.add('a__b__x', 'a', 'b__x'), true);
  assert.equal(table.add('echo', 'second', 'echo'), false);
  assert.equal(table.add('a__b__x', 'a__b', 'x'), false, 'a prefix holding the separator collides dynamically, not by string splitting');
  assert.deepEqual(table.resolve('echo'), { server: 'first', name: 'echo' });
  assert.deepEqual(table.resolve('a__b__x'), { server: 'a', name: 'b__x' });
  assert.deepEqual(table.collisions.map((c) => [c.offered, c.kept, c.dropped]), [['echo', 'first', 'second'], ['a__b__x', 'a', 'a__b']]);
});

test('filters: allow lets only matches through, deny wins over allow, no filter admits everything', () => {
  const filter = compileFilter({ allow: ['read_*', 'list_*'], deny: ['*_delete', 'list_secrets'] });
  assert.equal(filter('read_file'), true);
  assert.equal(filter('read_delete'), false);
  assert.equal(filter('list_secrets'), false);
  assert.equal(filter('write_file'), false);
  assert.equal(compileFilter({ deny: ['*'] })('anything'), false);
  assert.equal(compileFilter(undefined)('anything'), true);
  assert.equal(compileFilter({ deny: [] })('anything'), true);
  const resources = compileFilter({ allow: ['file:///data/**'] });
  assert.equal(resources('file:///data/a/b.txt', 'b'), true, 'a URI is matched with ** across slashes');
  assert.equal(resources('file:///etc/passwd', 'passwd'), false);
  assert.equal(compileFilter({ allow: ['readme'] })('example://readme', 'readme'), true, 'any of an entry\'s strings may match');
});

test('a cursor names the server and its own cursor, survives the round trip, and anything else is refused with INVALID_CURSOR', () => {
  for (const cursor of [{ server: 'a', cursor: 'page-2' }, { server: 'files', cursor: undefined }]) assert.deepEqual(decodeCursor(encodeCursor(cursor)), cursor);
  for (const bad of ['page-2', 42, undefined, 'mcpb1.not-base64-json', `mcpb1.${Buffer.from('{"s":1}').toString('base64url')}`]) {
    assert.throws(() => decodeCursor(bad), (error: unknown) => error instanceof BridgeError && error.code === 'INVALID_CURSOR', String(bad));
  }
});

test('URI templates match the URIs they describe: one segment per {var}, anything for {+var}, an optional query for {?var}', () => {
  assert.equal(matchesTemplate('demo://resource/dynamic/text/{resourceId}', 'demo://resource/dynamic/text/7'), true);
  assert.equal(matchesTemplate('demo://resource/dynamic/text/{resourceId}', 'demo://resource/dynamic/text/7/more'), false);
  assert.equal(matchesTemplate('file:///{+path}', 'file:///a/b/c.txt'), true);
  assert.equal(matchesTemplate('search://q{?term,limit}', 'search://q?term=x&limit=2'), true);
  assert.equal(matchesTemplate('search://q{?term}', 'search://q'), true);
  assert.equal(matchesTemplate('test://items/{id}', 'test://other/1'), false);
  assert.equal(matchesTemplate('a.b://{x}', 'aXb://1'), false, 'literal text is matched literally');
});
