// The conversation as the Messages API takes it: user and assistant messages, with the rules the
// API sets kept here (no empty text block, no assistant message without content, a user message
// following a user message merged into it, no tool_use left without its tool_result).
import type { ContentBlock, ContentBlockParam, MessageParam } from '@anthropic-ai/sdk/resources/messages';

/** The messages of one chat, oldest first; shared by every turn. */
export type History = MessageParam[];

const asBlocks = (content: MessageParam['content']): ContentBlockParam[] => (typeof content === 'string' ? [{ type: 'text', text: content }] : content);

/** Adds user content; merged into the last message when that is a user message too (after an interrupted or failed turn). */
export function appendUser(history: History, blocks: ContentBlockParam[]): void {
  const last = history.at(-1);
  if (last?.role === 'user') last.content = [...asBlocks(last.content), ...blocks];
  else history.push({ role: 'user', content: blocks });
}

/**
 * Adds Claude's reply, as params: text (unless empty), tool_use (only with `keepToolUse`, i.e. when
 * their results will follow), thinking blocks as they came. Nothing is added for an empty reply.
 */
export function appendAssistant(history: History, content: readonly ContentBlock[], keepToolUse: boolean): void {
  const blocks: ContentBlockParam[] = [];
  for (const block of content) {
    if (block.type === 'text') {
      if (block.text !== '') blocks.push({ type: 'text', text: block.text });
    } else if (block.type === 'tool_use') {
      if (keepToolUse) blocks.push({ type: 'tool_use', id: block.id, name: block.name, input: block.input });
    } else if (block.type === 'thinking') {
      blocks.push({ type: 'thinking', thinking: block.thinking, signature: block.signature });
    } else if (block.type === 'redacted_thinking') {
      blocks.push({ type: 'redacted_thinking', data: block.data });
    }
  }
  if (blocks.length > 0) history.push({ role: 'assistant', content: blocks });
}

/** Adds the partial text of a reply that was cut off (Ctrl-C, a broken stream), so the conversation shows what the person saw. */
export function appendPartial(history: History, text: string): void {
  if (text.trim() !== '') history.push({ role: 'assistant', content: [{ type: 'text', text }] });
}
