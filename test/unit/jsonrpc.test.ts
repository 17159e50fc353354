import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isJsonRpcMessage, progressTokenOf } from '../../src/shared/jsonrpc.js';

test('requests, notifications and responses are JSON-RPC messages', () => {
  for (const message of [
    { jsonrpc: '2.0', id: 1, method: 'ping' },
    { jsonrpc: '2.0', id: 'a', method: 'tools/call', params: {} },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { jsonrpc: '2.0', id: 1, result: {} },
    { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } },
  ]) assert.ok(isJsonRpcMessage(message), JSON.stringify(message));
});

test('anything else is not', () => {
  for (const value of [null, 42, 'x', [], {}, { jsonrpc: '1.0', id: 1, method: 'a' }, { jsonrpc: '2.0', id: {}, method: 'a' },
    { jsonrpc: '2.0', method: 7 }, { jsonrpc: '2.0', id: 1 }, { jsonrpc: '2.0', id: 1, result: 1, error: {} },
    { jsonrpc: '2.0', id: 1, error: { code: 'x', message: 'y' } }, { jsonrpc: '2.0', method: 'a', params: 3 }]) {
    assert.equal(isJsonRpcMessage(value), false, JSON.stringify(value));
  }
});

test('the progress token is read from params._meta', () => {
  assert.equal(progressTokenOf({ jsonrpc: '2.0', id: 1, method: 'x', params: { _meta: { progressToken: 'p' } } }), 'p');
  assert.equal(progressTokenOf({ jsonrpc: '2.0', id: 1, method: 'x' }), undefined);
});
