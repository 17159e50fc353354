// One inspect action on an open connection (the summary, call, read, prompt), shared by the one-shot
// command and the shell: arguments checked first, progress shown, results rendered or printed as JSON.
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ErrorCode, McpError, type Prompt, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { BridgeError } from '../shared/errors.js';
import { promptArguments, toolArguments } from './arguments.js';
import type { ClientConnection } from './connection.js';
import type { InspectAction } from './options.js';
import { progressView, type MaybeTty } from './progress.js';
import { renderPrompt, renderResource, renderToolResult } from './results.js';
import { gatherSummary, listPrompts, listTools, renderSummary } from './summary.js';

/** Where an action writes and how. */
export interface ActionIo {
  /** Results (text or JSON). */
  readonly out: NodeJS.WritableStream;
  /** Progress, tool errors and notes. */
  readonly err: MaybeTty;
  readonly json: boolean;
  readonly outDir: string;
  /** 0: no limit (the SDK's own 60 s limit is lifted); progress pushes it back. */
  readonly requestTimeoutMs: number;
  /** Aborting it cancels the request in flight (notifications/cancelled). */
  readonly signal?: AbortSignal;
}

// The longest timer Node keeps (about 24.8 days): "no limit" for the SDK, which always sets one.
const NO_LIMIT_MS = 2 ** 31 - 1;

/** Tools and prompts of the server, listed once per connection and used to check names and type arguments. */
export class Catalogue {
  private tools: Promise<Tool[]> | undefined;
  private prompts: Promise<Prompt[]> | undefined;

  constructor(private readonly connection: ClientConnection) {}

  listTools(): Promise<Tool[]> {
    return (this.tools ??= listTools(this.connection));
  }

  listPrompts(): Promise<Prompt[]> {
    return (this.prompts ??= listPrompts(this.connection));
  }

  /** Forgets the lists (after a list_changed notification). */
  forget(): void {
    this.tools = undefined;
    this.prompts = undefined;
  }
}

function named<T extends { name: string }>(items: T[], name: string, what: string): T {
  const found = items.find((item) => item.name === name);
  if (!found) throw new BridgeError('CLIENT_INVALID_ARGUMENTS', `no ${what} "${name}"; the server's ${what}s: ${items.map((item) => item.name).join(', ') || 'none'}`);
  return found;
}

/** A failed request as one catalogue error: the server's refusal, the connection ending, or the person cancelling. */
export function requestFailure(error: unknown, signal: AbortSignal | undefined): unknown {
  if (error instanceof BridgeError) return error;
  if (signal?.aborted) return new BridgeError('CLIENT_REQUEST_FAILED', 'cancelled');
  if (error instanceof McpError) {
    const message = error.message.replace(/^MCP error -?\d+: /, '');
    if (error.code === ErrorCode.ConnectionClosed && /connection closed/i.test(message)) return new BridgeError('CLIENT_CONNECTION_LOST', message);
    return new BridgeError('CLIENT_REQUEST_FAILED', message);
  }
  return error;
}

/** A file name stem for a resource: its URI's last path segment, with the one before when that is only a number (`blob-1`). */
function resourceStem(uri: string): string {
  const segments = uri.split(/[/:]/).filter(Boolean);
  const last = segments.pop() ?? 'resource';
  return /^\d+$/.test(last) && segments.length > 0 ? `${segments.pop()!}-${last}` : last;
}

function write(stream: NodeJS.WritableStream, text: string): void {
  if (text) stream.write(text);
}

/**
 * Runs `action` and writes its result; resolves to the exit status (0, or 1 for a tool result with
 * `isError`). Throws BridgeError CLIENT_INVALID_ARGUMENTS before sending anything when a name or an
 * argument is wrong, CLIENT_REQUEST_FAILED when the server refuses, CLIENT_CONNECTION_LOST.
 */
export async function runAction(connection: ClientConnection, action: InspectAction, io: ActionIo, catalogue = new Catalogue(connection)): Promise<0 | 1> {
  const progress = progressView(action.kind === 'call' ? action.tool : action.kind, io.err);
  const options: RequestOptions = {
    signal: io.signal,
    timeout: io.requestTimeoutMs || NO_LIMIT_MS,
    resetTimeoutOnProgress: true,
    onprogress: (update) => progress.update(update),
  };
  const { client } = connection;
  const show = (result: unknown, text: () => string): void => write(io.out, io.json ? `${JSON.stringify(result, null, 2)}\n` : text());
  try {
    switch (action.kind) {
      case 'summary': {
        const summary = await gatherSummary(connection);
        show(summary, () => renderSummary(summary));
        return 0;
      }
      case 'call': {
        const tool = named(await catalogue.listTools(), action.tool, 'tool');
        const result = await client.callTool({ name: tool.name, arguments: toolArguments(tool, action.pairs, action.args) }, undefined, options);
        if (result.isError && !io.json) {
          write(io.err, renderToolResult(result as Parameters<typeof renderToolResult>[0], { outDir: io.outDir, stem: tool.name }));
          return 1;
        }
        show(result, () => renderToolResult(result as Parameters<typeof renderToolResult>[0], { outDir: io.outDir, stem: tool.name }));
        return result.isError ? 1 : 0;
      }
      case 'read': {
        const result = await client.readResource({ uri: action.uri }, options);
        show(result, () => renderResource(result, { outDir: io.outDir, stem: resourceStem(action.uri) }));
        return 0;
      }
      case 'prompt': {
        const prompt = named(await catalogue.listPrompts(), action.name, 'prompt');
        const result = await client.getPrompt({ name: prompt.name, arguments: promptArguments(prompt, action.pairs) }, options);
        show(result, () => renderPrompt(result, { outDir: io.outDir, stem: prompt.name }));
        return 0;
      }
    }
  } catch (error) {
    throw requestFailure(error, io.signal);
  } finally {
    progress.stop();
  }
}
