/**
 * The request headers a CORS preflight allows: the fixed list of every era's headers, plus the
 * requested `Mcp-Param-*` headers whose names are HTTP tokens, and nothing else requested.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowedHeadersFor, corsAllowedHeaders } from '../../src/http/cors.js';

test('without requested headers, a preflight allows the fixed list, 2026-07-28 Mcp-Method and Mcp-Name included', () => {
  assert.deepEqual(allowedHeadersFor(undefined), corsAllowedHeaders);
  for (const header of ['Mcp-Method', 'Mcp-Name', 'Mcp-Protocol-Version', 'Mcp-Session-Id', 'Last-Event-ID', 'Authorization', 'X-API-Key']) {
    assert.ok(corsAllowedHeaders.includes(header), header);
  }
});

test('requested Mcp-Param-* headers are added once each, in any case; other requested headers are not', () => {
  const allowed = allowedHeadersFor('content-type, Mcp-Param-Region,mcp-param-region , MCP-PARAM-DRY-RUN, x-other, mcp-param-, mcp-param-a/b, mcp-paramx');
  assert.deepEqual(allowed.slice(corsAllowedHeaders.length), ['mcp-param-region', 'mcp-param-dry-run']);
});
