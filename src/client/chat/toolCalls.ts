// The tool calls Claude asked for in one reply, run at once (each `tool_use` a `tools/call` on its
// server, with a progress bar), each shown with its arguments and a short form of its result, and
// answered with a `tool_result` block in the order Claude asked.
import type { ToolResultBlockParam, ToolUseBlock } from '@anthropic-ai/sdk/resources/messages';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { requestFailure } from '../commands.js';
import { progressView, type MaybeTty } from '../progress.js';
import type { ToolCatalogue } from './catalogue.js';
import { shorten, shortResult, toolFailureBlock, toolResultBlock } from './toolResults.js';

/** Where calls are shown and how they are bounded. */
export interface ToolCallIo {
  /** Call lines, results and progress (stderr: stdout carries Claude's words). */
  readonly err: MaybeTty;
  /** 0: no limit (the SDK's own 60 s limit is lifted); progress pushes it back. */
  readonly requestTimeoutMs: number;
  /** Aborting it (Ctrl-C) cancels every call in flight with notifications/cancelled. */
  readonly signal: AbortSignal;
}

// The longest timer Node keeps (about 24.8 days): "no limit" for the SDK, which always sets one.
const NO_LIMIT_MS = 2 ** 31 - 1;

/** The message of a failed call, `cancelled` when the person stopped it. */
function failureText(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return 'cancelled by the user';
  const failure = requestFailure(error, signal);
  return failure instanceof Error ? failure.message : String(failure);
}

async function runOne(use: ToolUseBlock, catalogue: ToolCatalogue, io: ToolCallIo): Promise<ToolResultBlockParam> {
  const say = (line: string): void => void io.err.write(`${line}\n`);
  say(`→ ${use.name} ${shorten(JSON.stringify(use.input ?? {}), 200)}`);
  const target = await catalogue.resolve(use.name);
  if (!target) {
    say(`✗ ${use.name}: no such tool`);
    return toolFailureBlock(use.id, `there is no tool named ${use.name}`);
  }
  const progress = progressView(use.name, io.err);
  try {
    const args = (use.input ?? {}) as Record<string, unknown>;
    const result = (await target.server.connection.client.callTool({ name: target.tool, arguments: args }, undefined, {
      signal: io.signal,
      timeout: io.requestTimeoutMs || NO_LIMIT_MS,
      resetTimeoutOnProgress: true,
      onprogress: (update) => progress.update(update),
    })) as CallToolResult;
    progress.stop();
    say(`${result.isError ? '✗' : '←'} ${use.name}${result.isError ? ' (tool error)' : ''}: ${shortResult(result)}`);
    return toolResultBlock(use.id, result);
  } catch (error) {
    progress.stop();
    const message = failureText(error, io.signal);
    say(`✗ ${use.name}: ${message}`);
    return toolFailureBlock(use.id, message);
  }
}

/** Runs every call concurrently and returns their `tool_result` blocks in the order of `uses`; never throws. */
export function runToolCalls(uses: readonly ToolUseBlock[], catalogue: ToolCatalogue, io: ToolCallIo): Promise<ToolResultBlockParam[]> {
  return Promise.all(uses.map((use) => runOne(use, catalogue, io)));
}
