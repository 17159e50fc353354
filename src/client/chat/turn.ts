// One turn of the conversation: the person's message, then Claude's replies streamed to the terminal
// and its tool calls run, round after round, until Claude ends its turn, the person interrupts
// (Ctrl-C aborts the stream and cancels running calls) or the API fails (one line, and the chat goes on).
import type Anthropic from '@anthropic-ai/sdk';
import type { ContentBlockParam, Message, ToolUseBlock } from '@anthropic-ai/sdk/resources/messages';
import type { MaybeTty } from '../progress.js';
import { describeApiError, isAbort } from './apiErrors.js';
import { API_MAX_RETRIES } from './anthropic.js';
import type { ToolCatalogue } from './catalogue.js';
import { appendAssistant, appendPartial, appendUser, type History } from './history.js';
import { runToolCalls } from './toolCalls.js';

/** What every request of the chat is made with. */
export interface TurnSettings {
  readonly model: string;
  readonly system?: string;
  readonly maxTokens: number;
  /** A tool call gives up after this long without an answer or progress (0: never). */
  readonly requestTimeoutMs: number;
}

/** Where a turn writes: Claude's words on `out`, everything else (tool calls, notes, errors) on `err`. */
export interface TurnIo {
  readonly out: NodeJS.WritableStream;
  readonly err: MaybeTty;
}

/** How a turn ended: Claude finished, the person interrupted it, or the API failed (already said on `err`). */
export type TurnOutcome = 'done' | 'interrupted' | 'failed';

/** A text written piece by piece, which knows whether it ended its line. */
class TextOut {
  text = '';
  constructor(private readonly out: NodeJS.WritableStream) {}
  write(delta: string): void {
    this.text += delta;
    this.out.write(delta);
  }
  /** Ends the line, when there was text and it did not end one. */
  finish(): void {
    if (this.text !== '' && !this.text.endsWith('\n')) this.out.write('\n');
  }
}

const endings: Partial<Record<NonNullable<Message['stop_reason']>, string>> = {
  max_tokens: 'the reply reached --maxTokens and was cut off',
  refusal: 'Claude declined to go on with this request',
  model_context_window_exceeded: 'the conversation no longer fits the model\'s context window',
};

/**
 * Runs one turn on `history` (which it extends): sends `content` as the person's message, streams
 * each reply, runs its tool calls concurrently and sends their results back, until Claude stops.
 * `signal` (Ctrl-C) aborts the stream and cancels the calls in flight. Never throws.
 */
export async function runTurn(anthropic: Anthropic, history: History, content: ContentBlockParam[], catalogue: ToolCatalogue, settings: TurnSettings, io: TurnIo, signal: AbortSignal): Promise<TurnOutcome> {
  const say = (line: string): void => void io.err.write(`${line}\n`);
  const start = history.length;
  appendUser(history, content);
  for (;;) {
    const tools = await catalogue.tools(say);
    const text = new TextOut(io.out);
    let message: Message;
    try {
      const stream = anthropic.messages.stream(
        { model: settings.model, max_tokens: settings.maxTokens, messages: history, ...(settings.system && { system: settings.system }), ...(tools.length > 0 && { tools }) },
        { signal },
      );
      stream.on('text', (delta) => text.write(delta));
      message = await stream.finalMessage();
    } catch (error) {
      text.finish();
      appendPartial(history, text.text);
      if (signal.aborted || isAbort(error)) {
        say('(interrupted)');
        return 'interrupted';
      }
      say(describeApiError(error, API_MAX_RETRIES));
      // Nothing came of the turn: forget the message, so that typing it again does not send it twice.
      if (history.length === start + 1 && text.text.trim() === '') history.splice(start);
      return 'failed';
    }
    text.finish();
    const uses = message.content.filter((block): block is ToolUseBlock => block.type === 'tool_use');
    const calling = message.stop_reason === 'tool_use' && uses.length > 0;
    appendAssistant(history, message.content, calling);
    if (calling) {
      appendUser(history, await runToolCalls(uses, catalogue, { err: io.err, requestTimeoutMs: settings.requestTimeoutMs, signal }));
      if (signal.aborted) {
        say('(interrupted)');
        return 'interrupted';
      }
      continue;
    }
    // pause_turn: the API stopped a long turn early and expects it sent back as it is to go on.
    if (message.stop_reason === 'pause_turn') continue;
    const ending = message.stop_reason ? endings[message.stop_reason] : undefined;
    if (ending) say(`(${ending})`);
    return 'done';
  }
}
