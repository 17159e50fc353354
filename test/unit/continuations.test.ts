import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerContext } from '@modelcontextprotocol/server';
import { ContinuationStore, type ContinuationToken } from '../../src/downstream/modern/continuations.js';
import { continuationLimits } from '../../src/config/modern.js';
import { defaults } from '../../src/config/flags.js';
import { BridgeError } from '../../src/shared/errors.js';
import { waitFor } from '../helpers/wait.js';

const ctx = {} as ServerContext;

function store(ttlMs = 60_000, max = 10) {
  const dropped: Array<[string, string]> = [];
  const continuations = new ContinuationStore<string>({ ttlMs, max }, (value, why) => dropped.push([value, why]));
  return { continuations, dropped };
}

test('a continuation is found again through its signed requestState, once', async () => {
  const { continuations } = store();
  const state = await continuations.put('call-1');
  const token = await continuations.codec.verify(state, ctx);
  assert.equal(continuations.take(token), 'call-1');
  assert.equal(continuations.take(token), undefined, 'a token works once');
  assert.equal(continuations.size, 0);
});

test('a tampered or forged requestState fails verification', async () => {
  const { continuations } = store();
  const state = await continuations.put('call-1');
  await assert.rejects(continuations.codec.verify(`${state}-TAMPERED`, ctx));
  const [version, body, mac] = state.split('.');
  const forgedBody = Buffer.from(JSON.stringify({ p: { c: 'another-id' }, exp: 9_999_999_999 })).toString('base64url');
  await assert.rejects(continuations.codec.verify(`${version}.${forgedBody}.${mac}`, ctx));
  assert.ok(body);
  const other = store().continuations;
  await assert.rejects(other.codec.verify(state, ctx), 'another store (another key) does not accept it');
});

test('an expired continuation is disposed of and its token finds nothing', async () => {
  const { continuations, dropped } = store(1000);
  const state = await continuations.put('call-1');
  const token: ContinuationToken = JSON.parse(Buffer.from(state.split('.')[1]!, 'base64url').toString()).p;
  await waitFor(() => dropped.length === 1, { timeoutMs: 5000, what: 'the continuation to expire' });
  assert.deepEqual(dropped, [['call-1', 'expired']]);
  assert.equal(continuations.take(token), undefined);
});

test('at the bound the oldest continuation is evicted to make room', async () => {
  const { continuations, dropped } = store(60_000, 2);
  await continuations.put('a');
  await continuations.put('b');
  await continuations.put('c');
  assert.equal(continuations.size, 2);
  assert.deepEqual(dropped, [['a', 'evicted']]);
  continuations.close();
  assert.deepEqual(dropped.map(([value, why]) => `${value}:${why}`).sort(), ['a:evicted', 'b:closed', 'c:closed']);
});

test('--continuationTtl and --maxContinuations have defaults and are validated', () => {
  assert.deepEqual(continuationLimits({}), { ttlMs: 600_000, max: defaults.maxContinuations });
  assert.deepEqual(continuationLimits({ continuationTtl: '30', maxContinuations: 5 }), { ttlMs: 30_000, max: 5 });
  assert.throws(() => continuationLimits({ continuationTtl: '10ms' }), BridgeError);
  assert.throws(() => continuationLimits({ maxContinuations: 0 }), BridgeError);
});
