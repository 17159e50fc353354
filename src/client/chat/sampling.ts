// A server's sampling/createMessage answered by Claude: shown to the person, asked for confirmation
// (unless --yes), then sent to the Messages API as one request, and its reply given back as the
// sampling result. Refused with the spec's code -1 when the person says no.
import type Anthropic from '@anthropic-ai/sdk';
import type { ContentBlockParam, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { ErrorCode, McpError, type CreateMessageRequest, type CreateMessageResult } from '@modelcontextprotocol/sdk/types.js';
import type { HookContext } from '../options.js';
import { describeApiError, isAbort } from './apiErrors.js';
import { API_MAX_RETRIES } from './anthropic.js';
import { shorten } from './toolResults.js';

type Params = CreateMessageRequest['params'];
type SamplingContent = { type: string; text?: string; data?: string; mimeType?: string };

// The spec's code for a person turning a sampling request down.
const USER_REJECTED = -1;
const imageTypes = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/** How the hook talks to the person and which model answers. */
export interface SamplingSettings {
  readonly model: string;
  /** `--yes`: answer without asking. */
  readonly yes: boolean;
  /** Asks a yes/no question; undefined when nobody can answer (the input ended). */
  ask(question: string): Promise<string | undefined>;
  say(line: string): void;
}

function blockOf(content: SamplingContent): ContentBlockParam {
  if (content.type === 'text') return { type: 'text', text: content.text ?? '' };
  if (content.type === 'image' && content.data && imageTypes.has(content.mimeType?.toLowerCase() ?? '')) {
    return { type: 'image', source: { type: 'base64', media_type: content.mimeType!.toLowerCase() as 'image/png', data: content.data } };
  }
  return { type: 'text', text: `[${content.type}${content.mimeType ? ` ${content.mimeType}` : ''} content, not shown to the model]` };
}

/** The sampling request's messages as Messages API messages. */
export function samplingMessages(params: Params): MessageParam[] {
  return (params.messages as { role: 'user' | 'assistant'; content: SamplingContent | SamplingContent[] }[]).map((message) => ({
    role: message.role,
    content: ([] as SamplingContent[]).concat(message.content).map(blockOf),
  }));
}

const stopReasons: Record<string, string> = { end_turn: 'endTurn', max_tokens: 'maxTokens', stop_sequence: 'stopSequence' };

function preview(params: Params): string {
  const last = params.messages.at(-1) as { content: SamplingContent | SamplingContent[] } | undefined;
  const text = last ? ([] as SamplingContent[]).concat(last.content).map((part) => (part.type === 'text' ? part.text : `[${part.type}]`)).join(' ') : '';
  return shorten(text, 200);
}

/**
 * The `onSampling` hook of server `serverName()`: asks the person (y/N) unless `yes`, then gets the
 * reply from Claude with the request's own system prompt, token limit, temperature and stop
 * sequences (the model is the chat's; the server's model hints are not followed).
 */
export function claudeSampling(anthropic: Anthropic, settings: SamplingSettings, serverName: () => string) {
  return async (params: Params, context: HookContext): Promise<CreateMessageResult> => {
    const what = `${serverName()} asks Claude for a reply (sampling, up to ${params.maxTokens} tokens): ${preview(params)}`;
    if (settings.yes) settings.say(`${what} (answered: --yes)`);
    else {
      const answer = await settings.ask(`${what}\nlet Claude answer it? [y/N] `);
      if (!/^y(es)?$/i.test(answer?.trim() ?? '')) {
        settings.say(`sampling refused${answer === undefined ? ' (no input left to answer from; --yes answers without asking)' : ''}`);
        throw new McpError(USER_REJECTED, 'the user refused the sampling request');
      }
    }
    try {
      const message = await anthropic.messages.stream({
        model: settings.model,
        max_tokens: params.maxTokens,
        messages: samplingMessages(params),
        ...(params.systemPrompt && { system: params.systemPrompt }),
        ...(params.temperature !== undefined && { temperature: params.temperature }),
        ...(params.stopSequences && { stop_sequences: params.stopSequences }),
      }, { signal: context.signal }).finalMessage();
      const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
      settings.say(`← sampling for ${serverName()}: ${shorten(text)}`);
      return { role: 'assistant', content: { type: 'text', text }, model: message.model, stopReason: stopReasons[message.stop_reason ?? ''] ?? message.stop_reason ?? 'endTurn' };
    } catch (error) {
      if (isAbort(error)) throw new McpError(ErrorCode.RequestTimeout, 'the sampling request was cancelled');
      const line = describeApiError(error, API_MAX_RETRIES);
      settings.say(`sampling for ${serverName()} failed: ${line}`);
      throw new McpError(ErrorCode.InternalError, line);
    }
  };
}
