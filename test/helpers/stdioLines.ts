/**
 * A minimal newline-delimited JSON-RPC client over a spawned reverse mcp-bridge's stdin/stdout, for
 * messages the SDK's stdio client cannot take (it joins buffers quadratically and stops at 10 MiB).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { LineFramer } from '../../src/shared/lineFramer.js';
import { cliPath } from './paths.js';
import { descendants, isAlive } from './processes.js';
import { waitFor } from './wait.js';

type Message = { id?: string | number | null; method?: string; result?: unknown; error?: { code: number; message: string; data?: { reason?: string } } };

/** A reverse bridge spawned with `args`, spoken to line by line. */
export class StdioLineClient {
  readonly proc: ChildProcess;
  readonly inbox: Message[] = [];
  stderr = '';

  constructor(args: string[]) {
    this.proc = spawn(process.execPath, [cliPath, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    // Lines of any size: the framer's bound is set above anything a test sends.
    const framer = new LineFramer(1024 ** 3, (line) => this.inbox.push(JSON.parse(line) as Message), () => {}, false);
    this.proc.stdout!.on('data', (chunk: Buffer) => framer.push(chunk));
    this.proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
  }

  /** Writes one message as a line. */
  send(message: Record<string, unknown>): void {
    this.proc.stdin!.write(JSON.stringify({ jsonrpc: '2.0', ...message }) + '\n');
  }

  /** Sends a request and waits for its response (polling the inbox). */
  async request(id: string | number, method: string, params: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<Message> {
    this.send({ id, method, params });
    return this.answerTo(id, timeoutMs);
  }

  /** Waits for the response to `id`. */
  answerTo(id: string | number, timeoutMs = 30_000): Promise<Message> {
    return waitFor(() => this.inbox.find((m) => m.id === id && m.method === undefined), { what: `the answer to ${id}`, timeoutMs, intervalMs: 5 });
  }

  /** initialize + notifications/initialized. */
  async initialize(): Promise<void> {
    const answer = await this.request('init', 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'lines', version: '1' } });
    if (!answer.result) throw new Error(`initialize failed: ${JSON.stringify(answer)}`);
    this.send({ method: 'notifications/initialized' });
  }

  /** Ends stdin, as a desktop client quitting does, and waits until the bridge and its descendants are gone. */
  async close(): Promise<void> {
    const family = [this.proc.pid!, ...descendants(this.proc.pid!)];
    this.proc.stdin!.end();
    await waitFor(() => family.every((pid) => !isAlive(pid)), { what: 'the reverse bridge to exit' });
  }
}
