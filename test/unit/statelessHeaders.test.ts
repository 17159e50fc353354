import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkStandardHeaders, HEADER_MISMATCH } from '../../src/downstream/statelessHeaders.js';

const headers = (values: Record<string, string>) => new Headers(values);

test('matching Mcp-Method and Mcp-Name pass, header names in any case, values trimmed', () => {
  assert.equal(checkStandardHeaders(headers({ 'Mcp-Method': 'tools/list' }), 'tools/list', {}), undefined);
  assert.equal(checkStandardHeaders(headers({ 'MCP-METHOD': 'tools/list' }), 'tools/list', {}), undefined);
  assert.equal(checkStandardHeaders(headers({ 'mcp-method': 'tools/call', 'mcp-name': '  echo  ' }), 'tools/call', { name: 'echo' }), undefined);
  assert.equal(checkStandardHeaders(headers({ 'mcp-method': 'resources/read', 'mcp-name': 'test://a' }), 'resources/read', { uri: 'test://a' }), undefined);
});

test('a missing, different or differently cased Mcp-Method is a -32020 mismatch', () => {
  for (const given of [{}, { 'Mcp-Method': 'prompts/list' }, { 'Mcp-Method': 'TOOLS/LIST' }] as Record<string, string>[]) {
    const mismatch = checkStandardHeaders(headers(given), 'tools/list', {});
    assert.equal(mismatch?.code, HEADER_MISMATCH, JSON.stringify(given));
    assert.equal(mismatch?.data.mismatch.header, 'Mcp-Method');
  }
});

test('a missing or different Mcp-Name is a mismatch when the body names a tool, prompt or resource', () => {
  assert.equal(checkStandardHeaders(headers({ 'Mcp-Method': 'tools/call' }), 'tools/call', { name: 'echo' })?.data.mismatch.header, 'Mcp-Name');
  assert.equal(checkStandardHeaders(headers({ 'Mcp-Method': 'prompts/get', 'Mcp-Name': 'other' }), 'prompts/get', { name: 'p' })?.code, HEADER_MISMATCH);
  assert.equal(checkStandardHeaders(headers({ 'Mcp-Method': 'tools/list', 'Mcp-Name': 'ignored' }), 'tools/list', {}), undefined);
});
