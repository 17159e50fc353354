import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanHeaderDeclarations, type HeaderDeclaration } from '../../src/shared/customHeaders.js';
import { checkParamHeaders, checkStandardHeaders, HEADER_MISMATCH } from '../../src/downstream/modern/headers.js';

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

test('a Base64-wrapped Mcp-Name is decoded before it is compared; a broken one is malformed', () => {
  const wrapped = `=?base64?${Buffer.from('天気').toString('base64')}?=`;
  assert.equal(checkStandardHeaders(headers({ 'Mcp-Method': 'tools/call', 'Mcp-Name': wrapped }), 'tools/call', { name: '天気' }), undefined);
  assert.equal(checkStandardHeaders(headers({ 'Mcp-Method': 'tools/call', 'Mcp-Name': wrapped }), 'tools/call', { name: 'other' })?.data.reason, 'HEADER_MISMATCH');
  const broken = checkStandardHeaders(headers({ 'Mcp-Method': 'tools/call', 'Mcp-Name': '=?base64?5aSp5rC?=' }), 'tools/call', { name: '天気' });
  assert.equal(broken?.code, HEADER_MISMATCH);
  assert.equal(broken?.data.reason, 'HEADER_MALFORMED');
});

function declarationsOf(properties: Record<string, unknown>): HeaderDeclaration[] {
  const scan = scanHeaderDeclarations({ type: 'object', properties });
  assert.ok(scan.valid);
  return scan.declarations;
}

const declared = declarationsOf({
  region: { type: 'string', 'x-mcp-header': 'Region' },
  priority: { type: 'integer', 'x-mcp-header': 'Priority' },
  verbose: { type: 'boolean', 'x-mcp-header': 'Verbose' },
  where: { type: 'object', properties: { zone: { type: 'string', 'x-mcp-header': 'Zone' } } },
});

test('Mcp-Param headers that match the arguments pass, nested ones included; integers compare as numbers', () => {
  const args = { region: 'eu', priority: 42, verbose: true, where: { zone: 'b' } };
  assert.equal(checkParamHeaders(headers({ 'Mcp-Param-Region': 'eu', 'mcp-param-priority': '42', 'MCP-PARAM-VERBOSE': 'true', 'Mcp-Param-Zone': 'b' }), declared, args), undefined);
  assert.equal(checkParamHeaders(headers({ 'Mcp-Param-Region': ' eu ', 'Mcp-Param-Priority': '42.0', 'Mcp-Param-Verbose': 'true', 'Mcp-Param-Zone': '=?base64?Yg==?=' }), declared, args), undefined);
});

test('absent and null arguments need no header; a header for them is not looked at', () => {
  assert.equal(checkParamHeaders(headers({}), declared, {}), undefined);
  assert.equal(checkParamHeaders(headers({ 'Mcp-Param-Region': 'anything' }), declared, { region: null, where: null }), undefined);
  assert.equal(checkParamHeaders(headers({}), declared, undefined), undefined);
});

test('a missing or different Mcp-Param header is a mismatch, a broken value malformed, each naming the header', () => {
  const cases: Array<[Record<string, string>, Record<string, unknown>, string, string]> = [
    [{}, { region: 'eu' }, 'Mcp-Param-Region', 'HEADER_MISMATCH'],
    [{ 'Mcp-Param-Region': 'us' }, { region: 'eu' }, 'Mcp-Param-Region', 'HEADER_MISMATCH'],
    [{ 'Mcp-Param-Region': 'EU' }, { region: 'eu' }, 'Mcp-Param-Region', 'HEADER_MISMATCH'],
    [{ 'Mcp-Param-Priority': '0x2a' }, { priority: 42 }, 'Mcp-Param-Priority', 'HEADER_MISMATCH'],
    [{ 'Mcp-Param-Verbose': '1' }, { verbose: true }, 'Mcp-Param-Verbose', 'HEADER_MISMATCH'],
    [{}, { where: { zone: 'b' } }, 'Mcp-Param-Zone', 'HEADER_MISMATCH'],
    [{ 'Mcp-Param-Region': '=?base64?ZXU?=' }, { region: 'eu' }, 'Mcp-Param-Region', 'HEADER_MALFORMED'],
    [{ 'Mcp-Param-Region': '=?base64?ZX!1?=' }, { region: 'eu' }, 'Mcp-Param-Region', 'HEADER_MALFORMED'],
    [{ 'Mcp-Param-Region': '=?base64?=' }, { region: '' }, 'Mcp-Param-Region', 'HEADER_MALFORMED'],
  ];
  for (const [given, args, header, reason] of cases) {
    const refusal = checkParamHeaders(headers(given), declared, args);
    assert.equal(refusal?.code, HEADER_MISMATCH, JSON.stringify(given));
    assert.equal(refusal?.data.reason, reason, JSON.stringify(given));
    assert.equal(refusal?.data.mismatch.header, header);
  }
});
