// The conversation loop at the terminal: a line typed (or piped) is one turn; Ctrl-C stops the turn
// running and returns to the prompt, and Ctrl-C with no turn running, end of input or /exit leave.
// Also the one-turn form of --prompt, whose message takes piped stdin after it.
import type { ContentBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { LineSource, MaybeTtyInput } from '../lines.js';
import type { TurnOutcome } from './turn.js';

/** Exit statuses of chat, as the README lists them. */
export const chatExit = { ok: 0, failed: 1, usage: 2, unreachable: 3, interrupted: 130 } as const;

/** Runs one turn with the person's message; aborting `signal` stops it. */
export type TurnRunner = (content: ContentBlockParam[], signal: AbortSignal) => Promise<TurnOutcome>;

/** A running conversation: `done` gives the exit status; `interrupt()` is Ctrl-C. */
export interface Conversation {
  readonly done: Promise<number>;
  interrupt(): void;
}

const text = (value: string): ContentBlockParam[] => [{ type: 'text', text: value }];

/** Everything piped to `input` (nothing when it is a terminal, which nobody pipes to). */
export async function readPiped(input: MaybeTtyInput): Promise<string> {
  if (input.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** The message of `--prompt`: its text, then the piped input after a blank line. */
export function promptMessage(prompt: string, piped: string): string {
  return piped.trim() === '' ? prompt : `${prompt}\n\n${piped.trimEnd()}`;
}

/** One turn with `message` (--prompt): exit 0 when Claude finished, 1 when the API failed, 130 when interrupted. */
export function runOneTurn(runTurn: TurnRunner, message: string): Conversation {
  const controller = new AbortController();
  const done = runTurn(text(message), controller.signal).then((outcome) => (outcome === 'done' ? chatExit.ok : outcome === 'failed' ? chatExit.failed : chatExit.interrupted));
  return { done, interrupt: () => controller.abort('interrupted') };
}

/**
 * The conversation: each line from `lines` is a turn (`> ` is the prompt on a terminal). Ends with 0
 * at the end of input or /exit, and with 130 on Ctrl-C while no turn runs. Ctrl-C typed on a
 * terminal arrives through `lines.oninterrupt`, a signal through the caller's `interrupt()`.
 */
export function runConversation(runTurn: TurnRunner, lines: LineSource): Conversation {
  let current: AbortController | undefined;
  let leave!: (status: number) => void;
  const left = new Promise<number>((resolve) => (leave = resolve));

  const loop = async (): Promise<number> => {
    for (;;) {
      const line = await Promise.race([lines.next('> '), left.then(() => undefined)]);
      if (line === undefined || /^\/(exit|quit)$/.test(line.trim())) return chatExit.ok;
      if (line.trim() === '') continue;
      current = new AbortController();
      await runTurn(text(line), current.signal);
      current = undefined;
    }
  };

  const interrupt = (): void => {
    if (current && !current.signal.aborted) current.abort('interrupted');
    else leave(chatExit.interrupted);
  };
  lines.oninterrupt = interrupt;
  const done = Promise.race([loop(), left]).finally(() => lines.close());
  return { done, interrupt };
}
