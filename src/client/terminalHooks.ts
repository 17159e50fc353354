// The client hooks of a person at a terminal: elicitation forms asked field by field, sampling
// requests shown (and answered by hand only with --allowSampling), roots = the current directory,
// server log lines and notifications on stderr.
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { McpError, type CreateMessageRequest, type CreateMessageResult } from '@modelcontextprotocol/sdk/types.js';
import { askForm } from './elicitation.js';
import type { LineSource } from './lines.js';
import type { ClientHooks } from './options.js';

/** Where the hooks talk to the person: `lines()` opens the input only when a question comes. */
export interface TerminalIo {
  readonly err: NodeJS.WritableStream;
  lines(): LineSource;
}

// The spec's code for a person turning a sampling request down.
const USER_REJECTED = -1;

function showSampling(params: CreateMessageRequest['params'], say: (text: string) => void): void {
  say(`the server asks for a model reply (sampling, up to ${params.maxTokens} tokens)${params.systemPrompt ? `; system prompt: ${params.systemPrompt}` : ''}`);
  const messages = params.messages as { role: string; content: unknown }[];
  for (const message of messages) {
    const parts = ([] as unknown[]).concat(message.content) as { type?: string; text?: string }[];
    say(`  ${message.role}: ${parts.map((part) => (part.type === 'text' ? part.text : `[${part.type}]`)).join(' ')}`);
  }
}

/**
 * Hooks that answer the server at the terminal. Elicitation: a form asked on the input. Sampling:
 * shown, then refused (code -1) unless `allowSampling`, when the typed line is the reply. Roots: the
 * current directory. Logs and other notifications: one line each on stderr, but list_changed, which
 * only calls `onListChanged` (servers send it at start, when the lists are not even shown yet).
 */
export function terminalHooks(io: TerminalIo, { allowSampling, onListChanged }: { allowSampling: boolean; onListChanged?: () => void }): ClientHooks {
  const say = (text: string): void => void io.err.write(`${text}\n`);
  const ask = (question: string): Promise<string | undefined> => {
    const lines = io.lines();
    // Piped answers are not echoed by a terminal: the question goes to stderr so the transcript reads well.
    if (!lines.interactive) io.err.write(`${question}\n`);
    return lines.next(question);
  };
  return {
    onElicitation: (params) => askForm(params, { ask, say }),
    async onSampling(params): Promise<CreateMessageResult> {
      showSampling(params, say);
      if (!allowSampling) {
        say('refused: run inspect with --allowSampling to type the reply yourself');
        throw new McpError(USER_REJECTED, 'the user refused the sampling request');
      }
      const reply = await ask('your reply (as the assistant): ');
      if (reply === undefined) throw new McpError(USER_REJECTED, 'the user gave no reply');
      return { role: 'assistant', content: { type: 'text', text: reply }, model: 'human', stopReason: 'endTurn' };
    },
    roots: () => [{ uri: pathToFileURL(process.cwd()).href, name: basename(process.cwd()) }],
    onLog: ({ level, logger, data }) => say(`server ${level}${logger ? ` ${logger}` : ''}: ${typeof data === 'string' ? data : JSON.stringify(data)}`),
    onNotification: (notification) => (notification.method.endsWith('/list_changed') ? onListChanged?.() : say(`server notification ${notification.method}${notification.params ? ` ${JSON.stringify(notification.params)}` : ''}`)),
  };
}
