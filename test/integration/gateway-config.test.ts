// Gateway mode's refusals at start: an invalid config file exits 2 with every problem named by its
// field, a variable that is not set names its server and field, and a file cannot be mixed with --stdio.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cliPath } from '../helpers/paths.js';

describe('gateway mode refuses a bad config file at start', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-bridge-gateway-config-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function run(content: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): { status: number | null; stderr: string } {
    const path = join(dir, 'config.json');
    writeFileSync(path, content);
    const result = spawnSync(process.execPath, [cliPath, '--config', path, '--port', '0', ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
    return { status: result.status, stderr: result.stderr };
  }

  test('an invalid file exits 2 naming the file and every problem with its field', () => {
    const { status, stderr } = run(JSON.stringify({ mcpServers: { a: { args: ['x'] }, b: { command: '' }, 'bad name': { command: 'x' }, c: { url: 'ftp://x' } } }));
    assert.equal(status, 2);
    assert.match(stderr, /config\.json: invalid config file/);
    assert.match(stderr, /mcpServers\.a: needs "command"/);
    assert.match(stderr, /mcpServers\.b\.command: must not be empty/);
    assert.match(stderr, /mcpServers\.bad name: a server name must be/);
    assert.match(stderr, /mcpServers\.c\.url: must be an http\(s\) URL/);
  });

  test('a JSON syntax error names its line and column', () => {
    const { status, stderr } = run('{\n  "mcpServers": {\n    "a": { "command": "x" ]\n  }\n}');
    assert.equal(status, 2);
    assert.match(stderr, /line 3, column \d+/);
  });

  test('a variable that is not set and has no default names the server, the field and the variable', () => {
    const { status, stderr } = run(JSON.stringify({ mcpServers: { api: { command: 'x', env: { TOKEN: '${GATEWAY_TEST_UNSET_VARIABLE}' } } } }), [], { GATEWAY_TEST_UNSET_VARIABLE: undefined });
    assert.equal(status, 2);
    assert.match(stderr, /mcpServers\.api\.env\.TOKEN: .*GATEWAY_TEST_UNSET_VARIABLE/);
  });

  test('a refused per-server override names the server', () => {
    const { status, stderr } = run(JSON.stringify({ mcpServers: { a: { command: 'x' } }, 'mcp-bridge': { servers: { a: { pool: 2 } } } }));
    assert.equal(status, 2);
    assert.match(stderr, /mcp-bridge\.servers\.a: .*--pool needs --sessionMode shared/);
  });

  test('--config with --stdio is a usage error', () => {
    const { status, stderr } = run(JSON.stringify({ mcpServers: {} }), ['--stdio', 'node x.js']);
    assert.equal(status, 2);
    assert.match(stderr, /either a config file \(--config\) or one server/);
  });
});
