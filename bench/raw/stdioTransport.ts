/**
 * A minimal stdio client transport: spawns the server and reads newline-delimited JSON in linear
 * time (the SDK's ReadBuffer copies its whole buffer on each chunk, which is quadratic for a 16 MiB
 * line), for a direct baseline as lean as the raw HTTP transports.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export class RawStdioTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;

  private child: ChildProcessWithoutNullStreams | undefined;
  private pending: Buffer[] = [];

  constructor(private readonly argv: readonly string[]) {}

  /** The server's pid once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    const child = spawn(this.argv[0]!, this.argv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] }) as unknown as ChildProcessWithoutNullStreams;
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => this.read(chunk));
    child.once('close', () => this.onclose?.());
    child.stdin.on('error', (error) => this.onerror?.(error));
    return new Promise((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!this.child || this.child.exitCode !== null) throw new Error('not connected');
    this.child.stdin.write(JSON.stringify(message) + '\n');
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const closed = new Promise((resolve) => child.once('close', resolve));
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await closed;
    clearTimeout(timer);
  }

  private read(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      this.pending.push(chunk.subarray(start, newline));
      const line = Buffer.concat(this.pending).toString('utf8');
      this.pending = [];
      start = newline + 1;
      if (line.trim()) this.onmessage?.(JSON.parse(line) as JSONRPCMessage);
    }
    if (start < chunk.length) this.pending.push(chunk.subarray(start));
  }
}
