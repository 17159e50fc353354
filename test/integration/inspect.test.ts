// `mcp-bridge inspect` as a person runs it: against the forward bridge around the published
// server-everything over 2026-07-28, Streamable HTTP sessions and legacy SSE; against a stdio command,
// a config file's entries, a bridge with an API key, and an unreachable URL.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bridgeForSuite, startBridge, type RunningBridge } from '../helpers/bridge.js';
import { everythingCommand, noProcessWith, runInspect } from '../helpers/inspect.js';
import { freePort } from '../helpers/processes.js';

const serverCommand = (marker: string): string => everythingCommand(marker).map((word) => JSON.stringify(word)).join(' ');

let scratch: string;
before(() => (scratch = mkdtempSync(join(tmpdir(), 'mcp-bridge-inspect-'))));
after(() => rmSync(scratch, { recursive: true, force: true }));
const authDir = (): string => join(scratch, 'auth');

/** Exactly one line on stderr, starting with `mcp-bridge inspect:`. */
function assertOneErrorLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line: ${stderr}`);
  assert.match(lines[0]!, /^mcp-bridge inspect: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

describe('inspect against the forward bridge around the published server-everything', () => {
  const bridge = bridgeForSuite(['--stdio', serverCommand('inspect-bridged')]);
  const mcp = (): string => `${bridge().url}/mcp`;

  test('a URL that answers server/discover is described at 2026-07-28: name, version, revision, capabilities, instructions, tools with typed arguments, prompts, resources and templates', async () => {
    const { status, stdout, stderr } = await runInspect([mcp()], { authDir: authDir() });
    assert.equal(status, 0, stderr);
    assert.match(stdout, /^mcp-servers\/everything \S+ \(Everything Reference Server\)\n/);
    assert.match(stdout, /\nprotocol 2026-07-28 over Streamable HTTP \(stateless\)\n/);
    assert.match(stdout, /\ncapabilities: .*tools/);
    assert.match(stdout, /\ninstructions:\n/);
    assert.match(stdout, /\ntools \(\d+\):\n/);
    assert.match(stdout, /\n {2}get-sum {2}Returns the sum of two numbers\n {6}a: number \(required\) {2}First number\n {6}b: number \(required\)/);
    assert.match(stdout, /\nprompts \(\d+\):\n[\s\S]*args-prompt[\s\S]*city \(required\)/);
    assert.match(stdout, /\nresources \(\d+\):\n {2}demo:\/\/resource\/static\/document\//);
    assert.match(stdout, /\nresource templates \(\d+\):\n {2}demo:\/\/resource\/dynamic\/text\/\{resourceId\}/);
    assert.equal(stderr, '');
  });

  test('--protocolEra legacy speaks Streamable HTTP with a session, at the revision initialize negotiated', async () => {
    const { status, stdout } = await runInspect(['--protocolEra', 'legacy', mcp()], { authDir: authDir() });
    assert.equal(status, 0);
    assert.match(stdout, /\nprotocol 2025-\d\d-\d\d over Streamable HTTP\n/);
  });

  test('--sse and an /sse URL (detected) speak legacy SSE', async () => {
    for (const args of [['--sse', `${bridge().url}/sse`], [`${bridge().url}/sse`]]) {
      const { status, stdout, stderr } = await runInspect(args, { authDir: authDir() });
      assert.equal(status, 0, stderr);
      assert.match(stdout, /\nprotocol 2025-\d\d-\d\d over legacy SSE\n/, args.join(' '));
    }
  });

  test('--json prints the summary as one JSON document', async () => {
    const { status, stdout } = await runInspect([mcp(), '--json'], { authDir: authDir() });
    assert.equal(status, 0);
    const summary = JSON.parse(stdout) as { serverInfo: { name: string }; protocolVersion: string; transport: string; tools: { name: string; inputSchema: unknown }[]; prompts: unknown[]; resources: unknown[]; resourceTemplates: unknown[] };
    assert.equal(summary.serverInfo.name, 'mcp-servers/everything');
    assert.equal(summary.protocolVersion, '2026-07-28');
    assert.equal(summary.transport, 'modern');
    assert.ok(summary.tools.some((tool) => tool.name === 'get-sum'));
    assert.ok(summary.prompts.length > 0 && summary.resources.length > 0 && summary.resourceTemplates.length > 0);
  });

  test('call types key=value arguments by the tool\'s schema (numbers), --args takes JSON, and --json prints the raw result', async () => {
    const sum = await runInspect([mcp(), 'call', 'get-sum', 'a=2', 'b=3.5'], { authDir: authDir() });
    assert.equal(sum.status, 0, sum.stderr);
    assert.equal(sum.stdout, 'The sum of 2 and 3.5 is 5.5.\n');
    const echo = await runInspect([mcp(), 'call', 'echo', '--args', '{"message":"from --args"}'], { authDir: authDir() });
    assert.equal(echo.stdout, 'Echo: from --args\n');
    const raw = await runInspect([mcp(), 'call', 'echo', 'message=42', '--json'], { authDir: authDir() });
    assert.deepEqual((JSON.parse(raw.stdout) as { content: unknown }).content, [{ type: 'text', text: 'Echo: 42' }]);
  });

  test('a tool result with isError exits 1 with its text on stderr', async () => {
    const { status, stdout, stderr } = await runInspect([mcp(), 'call', 'get-structured-content', 'location=Atlantis'], { authDir: authDir() });
    assert.equal(status, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /location/);
  });

  test('wrong arguments and an unknown tool are usage errors (exit 2, one line) and nothing is called', async () => {
    const typed = await runInspect([mcp(), 'call', 'get-sum', 'a=two', 'b=3'], { authDir: authDir() });
    assert.equal(typed.status, 2);
    assertOneErrorLine(typed.stderr, /a=two: expected number/);
    const missing = await runInspect([mcp(), 'call', 'get-sum', 'a=1'], { authDir: authDir() });
    assert.equal(missing.status, 2);
    assertOneErrorLine(missing.stderr, /get-sum needs b=…/);
    const unknown = await runInspect([mcp(), 'call', 'no-such-tool'], { authDir: authDir() });
    assert.equal(unknown.status, 2);
    assertOneErrorLine(unknown.stderr, /no tool "no-such-tool"; the server's tools: echo, /);
  });

  test('an image result is saved to a file in --out and its path printed', async () => {
    const out = mkdtempSync(join(scratch, 'out-'));
    const { status, stdout } = await runInspect([mcp(), 'call', 'get-tiny-image', '--out', out], { authDir: authDir() });
    assert.equal(status, 0);
    const path = join(out, 'get-tiny-image.png');
    assert.match(stdout, new RegExp(`image saved to ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(image/png, \\d+ bytes\\)`));
    assert.deepEqual([...readFileSync(path).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG');
    assert.deepEqual(readdirSync(out), ['get-tiny-image.png']);
  });

  test('read prints a text resource and prompt prints the messages under their roles', async () => {
    const read = await runInspect([mcp(), 'read', 'demo://resource/dynamic/text/7'], { authDir: authDir() });
    assert.equal(read.status, 0, read.stderr);
    assert.match(read.stdout, /7/);
    const prompt = await runInspect([mcp(), 'prompt', 'args-prompt', 'city=Paris'], { authDir: authDir() });
    assert.equal(prompt.status, 0, prompt.stderr);
    assert.match(prompt.stdout, /^user:\n {2}.*Paris/m);
  });

  test('progress notifications are plain lines on stderr when it is not a terminal', async () => {
    const { status, stdout, stderr } = await runInspect([mcp(), 'call', 'trigger-long-running-operation', 'duration=0.4', 'steps=4'], { authDir: authDir() });
    assert.equal(status, 0, stderr);
    assert.match(stdout, /Long running operation completed/);
    assert.match(stderr, /^trigger-long-running-operation progress 1\/4/m);
    assert.ok(!stderr.includes('\u001b['), 'no cursor movements');
  });
});

describe('inspect against a stdio command and config file entries', () => {
  let bridge: RunningBridge;
  let config: string;
  before(async () => {
    bridge = await startBridge(['--stdio', serverCommand('inspect-config-remote')]);
    config = join(scratch, 'claude_desktop_config.json');
    const [command, ...args] = everythingCommand('inspect-config-stdio');
    writeFileSync(config, JSON.stringify({ mcpServers: { local: { command, args }, remote: { type: 'http', url: `${bridge.url}/mcp` } } }));
  });
  after(async () => {
    assert.equal(await bridge.stop(), 0);
    assert.deepEqual(bridge.children(), []);
  });

  test('a command after -- is started, described over stdio, and gone when inspect exits', async () => {
    const { status, stdout } = await runInspect(['--', ...everythingCommand('inspect-stdio')]);
    assert.equal(status, 0);
    assert.match(stdout, /\nprotocol 2025-\d\d-\d\d over stdio\n/);
    await noProcessWith('inspect-stdio');
    const call = await runInspect(['call', 'get-sum', 'a=1', 'b=1', '--', ...everythingCommand('inspect-stdio')]);
    assert.equal(call.stdout, 'The sum of 1 and 1 is 2.\n');
    await noProcessWith('inspect-stdio');
  });

  test('--config FILE NAME reaches a stdio entry and a remote entry of the file', async () => {
    const local = await runInspect(['--config', config, 'local', 'call', 'echo', 'message=from the file'], { authDir: authDir() });
    assert.equal(local.status, 0, local.stderr);
    assert.equal(local.stdout, 'Echo: from the file\n');
    await noProcessWith('inspect-config-stdio');
    const remote = await runInspect(['--config', config, 'remote'], { authDir: authDir() });
    assert.equal(remote.status, 0, remote.stderr);
    assert.match(remote.stdout, /over Streamable HTTP/);
    const unknown = await runInspect(['--config', config, 'nope'], { authDir: authDir() });
    assert.equal(unknown.status, 2);
    assertOneErrorLine(unknown.stderr, /has no enabled server "nope"; its servers: local, remote/);
  });
});

describe('inspect with credentials, unreachable servers and usage errors', () => {
  const bridge = bridgeForSuite(['--apiKey', 'inspect-secret', '--stdio', serverCommand('inspect-keyed')]);

  test('MCP_SERVER_URL is the default target and MCP_API_KEY is sent as a bearer token', async () => {
    const { status, stdout, stderr } = await runInspect(['call', 'echo', 'message=keyed'], { env: { MCP_SERVER_URL: `${bridge().url}/mcp`, MCP_API_KEY: 'inspect-secret' }, authDir: authDir() });
    assert.equal(status, 0, stderr);
    assert.equal(stdout, 'Echo: keyed\n');
  });

  test('a server that refuses our credentials exits 3 with one line', async () => {
    const { status, stderr } = await runInspect([`${bridge().url}/mcp`, '--no-oauth'], { env: { MCP_API_KEY: 'wrong' }, authDir: authDir() });
    assert.equal(status, 3);
    assertOneErrorLine(stderr, /refused our credentials/);
  });

  test('an unreachable URL exits 3 with one line, without a stack trace', async () => {
    const { status, stderr } = await runInspect([`http://127.0.0.1:${await freePort()}/mcp`], { authDir: authDir() });
    assert.equal(status, 3);
    assertOneErrorLine(stderr, /could not be reached: connect ECONNREFUSED/);
  });

  test('inspect without a server, or with an unknown action, is a usage error (exit 2, one line)', async () => {
    const none = await runInspect([]);
    assert.equal(none.status, 2);
    assertOneErrorLine(none.stderr, /inspect needs a server/);
    const action = await runInspect([`${bridge().url}/mcp`, 'frobnicate']);
    assert.equal(action.status, 2);
    assertOneErrorLine(action.stderr, /unknown inspect action "frobnicate"/);
  });
});
