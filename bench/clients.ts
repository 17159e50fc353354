/**
 * Benchmark sessions: an MCP SDK v1 Client reaching the bench server directly over stdio (the
 * client spawns the server) or through the gateway over legacy SSE or Streamable HTTP. Every
 * message the client receives is tapped before the SDK sees it, to count duplicates and foreign
 * answers; every call carries a session-unique token, to detect answers meant for another session.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { forget, track } from './cleanup.js';
import { serverArgv } from './gateway.js';
import { record, type Integrity } from './integrity.js';
import { RawSseTransport } from './raw/sseTransport.js';
import { RawStdioTransport } from './raw/stdioTransport.js';
import { RawStreamableHttpTransport } from './raw/streamableHttpTransport.js';

export type TransportKind = 'direct' | 'sse' | 'http';

/**
 * Which HTTP client transports the SDK Client runs on: the SDK's own (fetch, EventSource), or the
 * benchmark's minimal node:http ones, whose lower cost leaves more of the time to the gateway.
 */
export type ClientKind = 'sdk' | 'raw';

/** Where sessions are opened: the server itself over stdio, or a running gateway. */
export interface Endpoint {
  transport: TransportKind;
  /** The gateway's base URL (not for direct); its path, if any, is where /mcp and /sse are (a gateway server's /servers/NAME/). */
  url?: string;
  /** Default 'sdk' (the runner passes --client, whose default is 'raw'). */
  client?: ClientKind;
  /**
   * Streamable HTTP, raw client: whether a session opens the standalone GET stream after its handshake (default true).
   * Without it the client holds no stream between calls, as one-shot clients, so mcp-bridge may hibernate its child.
   */
  standaloneStream?: boolean;
}

/** Default bound on a single call: a call unanswered after this long counts as lost. */
export const callTimeoutMs = 60_000;

function newTransport(endpoint: Endpoint): Transport {
  const raw = endpoint.client === 'raw';
  if (endpoint.transport === 'direct') {
    if (raw) return new RawStdioTransport(serverArgv);
    // The SDK's default line limit (10 MiB) is below the 16 MiB results.
    return new StdioClientTransport({ command: serverArgv[0]!, args: serverArgv.slice(1), stderr: 'inherit', maxBufferSize: 64 * 1024 * 1024 });
  }
  const base = endpoint.url!.endsWith('/') ? endpoint.url! : `${endpoint.url!}/`;
  if (endpoint.transport === 'sse') return raw ? new RawSseTransport(new URL('sse', base)) : new SSEClientTransport(new URL('sse', base));
  const url = new URL('mcp', base);
  return raw ? new RawStreamableHttpTransport(url, endpoint.standaloneStream ?? true) : new StreamableHTTPClientTransport(url);
}

/** One client session; `tag` is unique across the whole run and prefixes every token it sends. */
export class BenchSession {
  /** Progress values received per progress token of this session, in arrival order. */
  readonly progress = new Map<string, number[]>();
  private readonly answersById = new Map<string | number, number>();
  private unknownAnswers = 0;

  private constructor(
    readonly tag: string,
    readonly client: Client,
    private readonly transport: Transport,
    private readonly integrity: Integrity,
  ) {}

  /** Connects a new session (direct: spawns a server, whose pid is then `serverPid`). */
  static async open(endpoint: Endpoint, tag: string, integrity: Integrity): Promise<BenchSession> {
    const client = new Client({ name: `bench-${tag}`, version: '1.0.0' }, { capabilities: {} });
    const transport = newTransport(endpoint);
    const session = new BenchSession(tag, client, transport, integrity);
    client.onerror = (error) => session.clientError(error);
    try {
      await client.connect(transport);
    } catch (error) {
      await client.close().catch(() => {});
      throw error;
    }
    const pid = session.serverPid;
    if (pid !== undefined) track(pid, () => client.close());
    session.tap();
    return session;
  }

  /** The pid of the server a direct session spawned. */
  get serverPid(): number | undefined {
    if (this.transport instanceof StdioClientTransport || this.transport instanceof RawStdioTransport) return this.transport.pid ?? undefined;
    return undefined;
  }

  /** Calls `name`; resolves undefined (and counts a loss) when the call fails or times out. */
  async call(name: string, args: Record<string, unknown>, { timeoutMs = callTimeoutMs, progressToken }: { timeoutMs?: number; progressToken?: string } = {}): Promise<CallToolResult | undefined> {
    try {
      const params = { name, arguments: args, ...(progressToken !== undefined && { _meta: { progressToken } }) };
      return (await this.client.callTool(params, undefined, { timeout: timeoutMs, maxTotalTimeout: timeoutMs })) as CallToolResult;
    } catch (error) {
      record(this.integrity, 'lost', `${this.tag} ${name}: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** Calls `name` with a fresh token and checks that the answer carries exactly that token. */
  async callWithToken(name: string, seq: number, args: Record<string, unknown> = {}, timeoutMs?: number): Promise<boolean> {
    const token = `${this.tag}#${seq}`;
    const result = await this.call(name, { ...args, token }, { timeoutMs });
    if (!result) return false;
    const text = (result.content[0] as { text?: string } | undefined)?.text;
    if (text === token) return true;
    record(this.integrity, 'crossTalk', `${this.tag} sent ${token}, got ${String(text).slice(0, 80)}`);
    return false;
  }

  /** Ends the session the way its client would: DELETE for Streamable HTTP, closing the stream or pipe otherwise. */
  async close(): Promise<void> {
    const pid = this.serverPid;
    if (this.transport instanceof StreamableHTTPClientTransport) await this.transport.terminateSession().catch(() => {});
    await this.client.close();
    if (pid !== undefined) forget(pid);
    // Answers for unknown ids that were not duplicates of our own answers came from elsewhere.
    const foreign = this.unknownAnswers - [...this.answersById.values()].reduce((sum, n) => sum + n - 1, 0);
    for (let i = 0; i < foreign; i++) record(this.integrity, 'crossTalk', `${this.tag} received an answer for an id it never used`);
  }

  private clientError(error: Error): void {
    if (error.message.startsWith('Received a response for an unknown message ID')) this.unknownAnswers++;
  }

  /** Sees every message before the SDK does. */
  private tap(): void {
    const inner = this.transport.onmessage;
    this.transport.onmessage = (message: JSONRPCMessage, extra?: unknown) => {
      this.observe(message);
      (inner as ((m: JSONRPCMessage, e?: unknown) => void) | undefined)?.(message, extra);
    };
  }

  private observe(message: JSONRPCMessage): void {
    if ('id' in message && message.id !== undefined && ('result' in message || 'error' in message)) {
      const id = message.id;
      const count = (this.answersById.get(id) ?? 0) + 1;
      this.answersById.set(id, count);
      if (count > 1) record(this.integrity, 'duplicates', `${this.tag} got the answer to id ${id} ${count} times`);
      return;
    }
    if ('method' in message && message.method === 'notifications/progress') {
      const { progressToken, progress } = message.params as { progressToken: string | number; progress: number };
      const mine = typeof progressToken === 'string' && progressToken.startsWith(`${this.tag}/`);
      if (!mine) return record(this.integrity, 'crossTalk', `${this.tag} got progress for token ${String(progressToken)}`);
      const list = this.progress.get(progressToken) ?? [];
      list.push(progress);
      this.progress.set(progressToken, list);
    }
  }
}
