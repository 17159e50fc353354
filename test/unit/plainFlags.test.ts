// The pre-parse that lets forward mode spawn its server before yargs loads (cli/plainFlags.ts): what it
// accepts it reads exactly as yargs does, and what it is not sure of it refuses, leaving it to yargs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { declareOptions, toRawOptions } from '../../src/cli/flags.js';
import { plainFlags } from '../../src/cli/plainFlags.js';

/** yargs' reading of `args`, as main.ts takes it (the parsed flags and the command after `--`). */
async function yargsReading(args: string[]): Promise<Record<string, unknown>> {
  const argv = await declareOptions(args).exitProcess(false).parseAsync();
  return toRawOptions(argv) as Record<string, unknown>;
}

const accepted: string[][] = [
  ['--stdio', 'node server.js --flag', '--port', '0'],
  ['--port=0', '--host', '127.0.0.1', '--', 'node', 'server.js', '--verbose', 'x'],
  ['--stdio', 'npx -y server', '--no-headStart', '--sessionMode', 'shared', '--pool', '2'],
  ['--stdio', 'server', '--env', 'A=1', '--env', 'B=x=y', '--passEnv', 'HOME', '--cwd', '/tmp'],
  ['--stdio', 'server | tee log', '--shell', '--maxLineBytes', '64MiB', '--logLevel=debug', '--sessionTimeout', '10m'],
  ['--stdio=server', '--headStart=false', '--prespawn', '3', '--apiKey', 'k', '--cors', 'https://a.example'],
  ['--', 'server'],
  ['--url', 'https://example.com/mcp', '--header', 'X-A: b', '--header', 'X-C: d', '--no-oauth', '--reconnectAttempts', '2'],
  ['--config', 'servers.json', '--workers', 'auto', '--redis', 'redis://127.0.0.1:6379', '--clusterSecret', 's'],
  ['--logFormat', 'json', '--stdio', 'server', '--rateLimit', '10/s', '--maxSessions', '5', '--jsonResponse', '--port', '08'],
];

test('plain flags and a server command are read exactly as yargs reads them, defaults included', async () => {
  for (const args of accepted) {
    const mine = plainFlags(args) as Record<string, unknown> | undefined;
    assert.ok(mine, `accepted: ${args.join(' ')}`);
    const theirs = await yargsReading(args);
    for (const [name, value] of Object.entries(mine)) assert.deepEqual(value, theirs[name], `${name} of ${args.join(' ')}`);
    const given = Object.keys(theirs).filter((name) => name !== '_' && name !== '$0' && name !== '--' && !name.includes('-') && theirs[name] !== undefined);
    assert.deepEqual(given.filter((name) => !(name in mine)), [], `every option yargs sets is set: ${args.join(' ')}`);
  }
});

const refused: string[][] = [
  ['--help'],
  ['-h'],
  ['--version'],
  ['inspect', '--', 'server'],
  ['chat', 'http://127.0.0.1:1/mcp'],
  ['auth', '--url', 'http://127.0.0.1:1/mcp'],
  ['--stdio', 'server', 'extra'],
  ['--stdio', 'server', '--max-line-bytes', '1MiB'],
  ['--stdio', 'server', '--port', '1', '--port', '2'],
  ['--stdio', 'server', '--unknownFlag'],
  ['--stdio', '-x'],
  ['--stdio'],
  ['--stdio', 'server', '--headStart', 'false'],
  ['--stdio', 'server', '--logLevel', 'verbose'],
  ['--stdio', 'server', '--no-port'],
  ['--stdio', 'server', '--port', 'abc'],
  ['--stdio', 'server', '-p', '1'],
];

test('anything but plain flags of the table is refused: commands, short, kebab-case, unknown or repeated flags, doubtful values', () => {
  for (const args of refused) assert.equal(plainFlags(args), undefined, args.join(' '));
});
