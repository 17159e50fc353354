/** Shared pieces of the fault-injection suite (test/integration/faults-*.test.ts). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { startBridge, type RunningBridge } from './bridge.js';
import { callTool, messagesOf, openStreamableSession, post } from './http.js';
import { fixtureCommand } from './paths.js';
import { isAlive } from './processes.js';
import { waitFor } from './wait.js';

/** `--stdio` running the misbehaving fixture server with `flags`. */
export const faultServer = (...flags: string[]): string[] => ['--stdio', fixtureCommand('fault-server', ...flags)];

/** Resident memory of a process in MiB, from /proc/<pid>/status (VmRSS). */
export function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) / 1024;
}

/**
 * Runs `body` against a fresh bridge, then checks the bridge's RSS grew by less than `maxGrowthMiB`
 * (default 64), stops it (exit 0) and checks every process it started is gone. The RSS before and
 * after is reported as a diagnostic of `t` when given.
 */
export async function withBridge(
  args: string[],
  body: (bridge: RunningBridge) => Promise<void>,
  { maxGrowthMiB = 64, t }: { maxGrowthMiB?: number; t?: { diagnostic(message: string): void } } = {},
): Promise<void> {
  const bridge = await startBridge(args);
  let family: number[] = [];
  try {
    const beforeMiB = rssMiB(bridge.pid);
    await body(bridge);
    const afterMiB = rssMiB(bridge.pid);
    const growth = `bridge RSS ${beforeMiB.toFixed(1)} → ${afterMiB.toFixed(1)} MiB`;
    t?.diagnostic(growth);
    assert.ok(afterMiB - beforeMiB < maxGrowthMiB, `${growth}, more than ${maxGrowthMiB} MiB growth`);
  } finally {
    family = bridge.children();
    assert.equal(await bridge.stop(), 0);
    await waitFor(() => family.every((pid) => !isAlive(pid)), { what: 'every child to be gone' });
  }
}

/** A second, well-behaved client: opens a session, gets an echo back, and ends the session. */
export async function assertHealthyClientWorks(url: string): Promise<void> {
  const { headers } = await openStreamableSession(url);
  const [answer] = await messagesOf(await post(`${url}/mcp`, callTool('healthy', 'echo', { text: 'still serving' }), headers));
  assert.deepEqual(answer, { jsonrpc: '2.0', id: 'healthy', result: { content: [{ type: 'text', text: 'still serving' }] } });
  assert.equal((await fetch(`${url}/mcp`, { method: 'DELETE', headers })).status, 200);
}

/**
 * Sends a raw HTTP/1.1 request on a new socket, collecting what arrives in `received` until
 * `stopReading()` pauses the socket: from then on the kernel buffers fill and the server's writes queue.
 */
export function rawRequest(url: string, method: string, path: string, headers: Record<string, string>, body = ''): RawConnection {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const connection: RawConnection = { socket, received: '', closed: false, stopReading: () => socket.pause() };
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (connection.received += chunk));
  socket.on('error', () => {});
  socket.on('close', () => (connection.closed = true));
  const head = [`${method} ${path} HTTP/1.1`, `Host: ${hostname}:${port}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (body) head.push(`Content-Length: ${Buffer.byteLength(body)}`);
  socket.write(`${head.join('\r\n')}\r\n\r\n${body}`);
  return connection;
}

/** A raw client connection; see rawRequest. */
export interface RawConnection {
  socket: Socket;
  received: string;
  closed: boolean;
  stopReading(): void;
}
