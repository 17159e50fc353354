import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseGatewayFile, readGatewayFile } from '../../src/config/file.js';
import { expandVariables } from '../../src/config/variables.js';
import { BridgeError } from '../../src/shared/errors.js';
import { repoRoot } from '../helpers/paths.js';

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    parseGatewayFile('servers.json', text, env);
  } catch (error) {
    assert.ok(error instanceof BridgeError);
    assert.equal(error.code, 'CONFIG_INVALID');
    return error.message;
  }
  assert.fail('expected the file to be refused');
}

test('variables expand from the environment: ${VAR}, ${VAR:-default} and ${env:VAR}', () => {
  const env = { TOKEN: 'abc', EMPTY: '' };
  assert.deepEqual(expandVariables('Bearer ${TOKEN}', env), { text: 'Bearer abc' });
  assert.deepEqual(expandVariables('${env:TOKEN}/${MISSING:-x}/${EMPTY:-fallback}/${EMPTY}', env), { text: 'abc/x/fallback/' });
  assert.deepEqual(expandVariables('${MISSING}', env), { variable: 'MISSING', problem: 'the variable MISSING is not set and has no default' });
});

test('the Claude Desktop example file reads as stdio and remote servers, a disabled entry skipped, overrides attached', () => {
  const file = readGatewayFile(`${repoRoot}/config/claude_desktop_config.json`, { MCP_FILES_DIR: '/data' });
  assert.equal(file.format, 'mcpServers');
  assert.deepEqual(file.servers.map((server) => [server.name, server.kind]), [['example', 'stdio'], ['everything', 'stdio'], ['files', 'stdio']]);
  assert.deepEqual(file.disabled, ['remote']);
  const files = file.servers.find((server) => server.name === 'files')!;
  assert.equal(files.kind === 'stdio' && files.entry.args.at(-1), '/data');
  assert.deepEqual(file.servers[1]!.overrides, { sessionMode: 'shared', tools: { deny: ['*Long*'] } });
  assert.equal(file.separator, '__');
});

test('the VS Code example file with comments and trailing commas reads as servers', () => {
  const file = parseGatewayFile('mcp.json', readFileSync(`${repoRoot}/config/vscode-mcp.json`, 'utf8'), {});
  assert.equal(file.format, 'servers');
  assert.deepEqual(file.servers.map((server) => server.name), ['example', 'everything']);
  const everything = file.servers[1]!;
  assert.deepEqual(everything.kind === 'stdio' && everything.entry.env, { LOG_LEVEL: 'info' });
});

test('a remote entry keeps its type, url and headers; a missing type is left for detection', () => {
  const file = parseGatewayFile('f.json', JSON.stringify({ mcpServers: { a: { url: 'https://h/mcp' }, b: { type: 'sse', url: 'http://h/sse', headers: { 'X-Key': '${K}' } } } }), { K: 'k' });
  assert.deepEqual(
    file.servers.map((server) => server.kind === 'remote' && [server.entry.type, server.entry.url, server.entry.headers]),
    [[undefined, 'https://h/mcp', {}], ['sse', 'http://h/sse', { 'X-Key': 'k' }]],
  );
});

test('every problem of a file is listed with the field it is in, not only the first', () => {
  const message = problemsOf(
    JSON.stringify({
      servers: {
        github: { type: 'stdio', args: ['x'] },
        'bad name': { command: 'x' },
        web: { url: 'ftp://h' },
        token: { command: 'x', env: { T: '${GITHUB_TOKEN}' } },
        nothing: {},
      },
      'mcp-bridge': { servers: { ghost: {}, github: { pool: 0 } } },
    }),
  );
  assert.match(message, /servers\.json: invalid config file/);
  assert.match(message, /servers\.github\.command: required/);
  assert.match(message, /servers\.bad name: a server name must be/);
  assert.match(message, /servers\.web\.url: must be an http\(s\) URL/);
  assert.match(message, /servers\.token\.env\.T: the variable GITHUB_TOKEN is not set and has no default/);
  assert.match(message, /servers\.nothing: needs "command"/);
  assert.match(message, /mcp-bridge\.servers\.ghost: no server "ghost"/);
  assert.match(message, /mcp-bridge\.servers\.github\.pool: /);
});

test('a syntax error names its line and column; a file without servers says what it expected', () => {
  assert.match(problemsOf('{\n  "mcpServers": {\n    "a": { "command": "x" ]\n}'), /at line 3, column \d+/);
  assert.match(problemsOf('{"preferences": {}}'), /no "mcpServers" \(Claude Desktop, Cursor\) or "servers" \(VS Code\) object/);
  assert.match(problemsOf('[1]'), /must hold a JSON object/);
});

test('a typo in the gateway section is refused, unknown keys of desktop entries are ignored', () => {
  assert.match(problemsOf(JSON.stringify({ mcpServers: { a: { command: 'x' } }, 'mcp-bridge': { servers: { a: { sesionMode: 'shared' } } } })), /Unrecognized key: "sesionMode"/);
  const file = parseGatewayFile('f.json', JSON.stringify({ mcpServers: { a: { command: 'x', alwaysAllow: ['t'], timeout: 60 } } }), {});
  assert.equal(file.servers.length, 1);
});
