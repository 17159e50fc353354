import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeHeaderValue, encodeHeaderValue, scanHeaderDeclarations } from '../../src/shared/customHeaders.js';
import { paramHeaders, standardHeaders } from '../../src/upstream/remote/modern/mcpHeaders.js';
import { initializeResult, withMeta } from '../../src/upstream/remote/modern/meta.js';

test('standard headers name the method, and the tool, prompt or resource where the method has one', () => {
  assert.deepEqual(standardHeaders('tools/list', {}), { 'Mcp-Method': 'tools/list' });
  assert.deepEqual(standardHeaders('tools/call', { name: 'my-tool' }), { 'Mcp-Method': 'tools/call', 'Mcp-Name': 'my-tool' });
  assert.deepEqual(standardHeaders('resources/read', { uri: 'file:///a%20b.txt' }), { 'Mcp-Method': 'resources/read', 'Mcp-Name': 'file:///a%20b.txt' });
});

test('header values that are not plain visible ASCII without edge whitespace are Base64-wrapped', () => {
  assert.equal(encodeHeaderValue('us-west1'), 'us-west1');
  assert.equal(encodeHeaderValue('us west 1'), 'us west 1');
  assert.equal(encodeHeaderValue(' padded '), `=?base64?${Buffer.from(' padded ').toString('base64')}?=`);
  assert.equal(encodeHeaderValue('Hello, 世界'), `=?base64?${Buffer.from('Hello, 世界').toString('base64')}?=`);
  assert.equal(encodeHeaderValue('line1\nline2'), `=?base64?${Buffer.from('line1\nline2').toString('base64')}?=`);
  assert.match(encodeHeaderValue(''), /^=\?base64\?.*\?=$/);
});

test('x-mcp-header arguments become Mcp-Param headers; null, absent and unannotated ones do not', () => {
  const scan = scanHeaderDeclarations({
    type: 'object',
    properties: {
      region: { type: 'string', 'x-mcp-header': 'Region' },
      priority: { type: 'integer', 'x-mcp-header': 'Priority' },
      verbose: { type: 'boolean', 'x-mcp-header': 'Verbose' },
      query: { type: 'string' },
    },
  });
  assert.ok(scan.valid);
  assert.deepEqual(paramHeaders(scan.declarations, { region: 'eu', priority: 42, verbose: null, query: 'SELECT 1' }), {
    'Mcp-Param-Region': 'eu',
    'Mcp-Param-Priority': '42',
  });
  assert.deepEqual(paramHeaders(scan.declarations, { region: 'eu', priority: 1, verbose: false }), {
    'Mcp-Param-Region': 'eu',
    'Mcp-Param-Priority': '1',
    'Mcp-Param-Verbose': 'false',
  });
});

test('a tool whose x-mcp-header is empty, on a non-primitive or number, repeated, or not a token is invalid', () => {
  const invalid = [
    { value: { type: 'string', 'x-mcp-header': '' } },
    { data: { type: 'object', 'x-mcp-header': 'Data' } },
    { score: { type: 'number', 'x-mcp-header': 'Score' } },
    { a: { type: 'string', 'x-mcp-header': 'MyField' }, b: { type: 'string', 'x-mcp-header': 'myfield' } },
    { value: { type: 'string', 'x-mcp-header': 'My Region' } },
    { value: { type: 'string', 'x-mcp-header': 'Région' } },
  ];
  for (const properties of invalid) assert.equal(scanHeaderDeclarations({ type: 'object', properties }).valid, false, JSON.stringify(properties));
  const nested = { type: 'object', properties: { list: { type: 'array', items: { type: 'string', 'x-mcp-header': 'Item' } } } };
  assert.equal(scanHeaderDeclarations(nested).valid, false);
});

test('requests get the client identity in _meta next to their own keys, and initialize is answered from discover', () => {
  const request = withMeta(
    { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 't', _meta: { progressToken: 5 } } },
    { clientInfo: { name: 'desk', version: '1' }, capabilities: { roots: {} }, logLevel: 'info' },
  );
  assert.deepEqual(request.params?._meta, {
    progressToken: 5,
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientInfo': { name: 'desk', version: '1' },
    'io.modelcontextprotocol/clientCapabilities': { roots: {} },
    'io.modelcontextprotocol/logLevel': 'info',
  });
  const discovered = {
    supportedVersions: ['2026-07-28'],
    capabilities: { tools: {}, resources: { subscribe: true, listChanged: true } },
    instructions: 'hi',
    _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'remote', version: '2' } },
  };
  assert.deepEqual(initializeResult(discovered, '2025-06-18'), {
    protocolVersion: '2025-06-18',
    capabilities: { tools: {}, resources: { subscribe: true, listChanged: true } },
    serverInfo: { name: 'remote', version: '2' },
    instructions: 'hi',
  });
});

test('decoding undoes encoding; values not wrapped are literal; broken Base64, invalid UTF-8 and raw non-ASCII are refused', () => {
  for (const value of ['us-west1', 'us west 1', ' padded ', 'Hello, 世界', 'line1\nline2', '', '=?base64?literal?=', '=?base64?SGVsbG8=']) {
    assert.equal(decodeHeaderValue(encodeHeaderValue(value)), value, JSON.stringify(value));
  }
  assert.equal(decodeHeaderValue('SGVsbG8='), 'SGVsbG8=');
  assert.equal(decodeHeaderValue('=?base64?SGVsbG8=?='), 'Hello');
  for (const broken of ['=?base64?SGVsbG8?=', '=?base64?SGVs!!!bG8=?=', '=?base64?SGVsbG8==?=', '=?base64?/w==?=', '=?base64?=', 'Zürich', 'a\u0001b']) {
    assert.equal(decodeHeaderValue(broken), undefined, JSON.stringify(broken));
  }
});
