// The gateway's own list of protocol revisions (shared/protocolVersions.ts, kept to spare the cold start
// the SDK's schemas) against the MCP SDK v1's: they must agree, or an SDK upgrade has changed them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { latestProtocolVersion, supportedProtocolVersions } from '../../src/shared/protocolVersions.js';

test('the supported protocol revisions and the newest one are the SDK\'s', () => {
  assert.deepEqual(supportedProtocolVersions, SUPPORTED_PROTOCOL_VERSIONS);
  assert.equal(latestProtocolVersion, LATEST_PROTOCOL_VERSION);
});
