// Our own stdin/stdout as the downstream of the reverse bridge (the desktop client's side).
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { once } from 'node:events';
import { jsonText, parseJsonRpcLine } from '../shared/jsonrpc.js';
import { rpcErrorResponse } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { LineFramer, type OversizedLine } from '../shared/lineFramer.js';
import { tooLargeError, waitingOn } from '../shared/oversize.js';

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
      (line) => this.dropOversized(line),
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

  /**
   * A line over --maxLineBytes is dropped but still answered: a request gets MESSAGE_TOO_LARGE on
   * stdout, a response (to a request of the remote) becomes that error on its way to the remote.
   */
  private dropOversized(line: OversizedLine): void {
    const limit = { bytes: this.maxLineBytes, flag: 'maxLineBytes' };
    const waiting = waitingOn(line);
    this.log.warn('dropped an oversized line from the client', { bytes: line.bytes, limit: limit.bytes, answered: waiting?.id ?? null });
    if (waiting?.kind === 'sender') return void this.send(tooLargeError(waiting.id, 'the request', line.bytes, limit)).catch(() => {});
    if (waiting) this.onmessage?.(tooLargeError(waiting.id, 'the client\'s answer', line.bytes, limit));
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
