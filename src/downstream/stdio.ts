// Our own stdin/stdout as the downstream of the reverse bridge (the desktop client's side).
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { once } from 'node:events';
import { jsonText, parseJsonRpcLine } from '../shared/jsonrpc.js';
import { rpcErrorResponse } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { LineFramer } from '../shared/lineFramer.js';

/**
 * Our own stdin/stdout as the downstream of the reverse bridge: the desktop client writes
 * newline-delimited JSON-RPC to stdin and reads our stdout, which carries nothing but protocol.
 * A line that is not JSON-RPC is answered with a JSON-RPC error; stdin ending closes the transport.
 */
export class StdioClientSide implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  private open = false;

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly output: NodeJS.WritableStream,
    private readonly maxLineBytes: number,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.open = true;
    const framer = new LineFramer(
      this.maxLineBytes,
      (line) => this.receiveLine(line),
      (bytes) => this.log.warn('dropped an oversized line from the client', { bytes }),
    );
    this.input.on('data', (chunk: Buffer) => framer.push(chunk));
    this.input.once('end', () => void this.close());
    this.input.once('close', () => void this.close());
    this.output.on('error', (error: Error) => this.log.debug('stdout closed', { error: error.message }));
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!this.open) throw new Error('stdout is closed');
    if (!this.output.write(jsonText(message) + '\n')) await once(this.output, 'drain');
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    this.input.removeAllListeners('data');
    this.onclose?.();
  }

  private receiveLine(line: string): void {
    const read = parseJsonRpcLine(line);
    if (read.kind === 'message') return this.onmessage?.(read.message);
    if (read.kind === 'blank') return;
    this.log.warn(read.kind === 'not-json' ? 'the client sent a line that is not JSON' : 'the client sent JSON that is not JSON-RPC');
    const id = read.kind === 'not-json-rpc' ? (read.value as { id?: unknown } | null)?.id : undefined;
    const answerId = typeof id === 'string' || typeof id === 'number' ? id : null;
    void this.send(rpcErrorResponse(answerId, read.kind === 'not-json' ? 'PARSE_ERROR' : 'INVALID_REQUEST')).catch(() => {});
  }
}
