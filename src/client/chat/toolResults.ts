// A tool's MCP result as Claude reads it (a tool_result block: text, images as image blocks, other
// content described in words, isError as is_error) and as the person reads it (one short line).
import type { ImageBlockParam, TextBlockParam, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

type Content = CallToolResult['content'][number];
type Block = TextBlockParam | ImageBlockParam;

// The image types the Messages API takes; others are described instead.
const imageTypes = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
// A short form is one line of about this many characters.
const SHORT = 120;

const bytesOf = (base64: string): number => Buffer.byteLength(base64, 'base64');

function describeMedia(kind: string, mimeType: string | undefined, data: string): string {
  return `[${kind}${mimeType ? ` ${mimeType}` : ''}, ${bytesOf(data)} bytes, not shown to the model]`;
}

function blockOf(content: Content): Block {
  switch (content.type) {
    case 'text':
      return { type: 'text', text: content.text };
    case 'image':
      if (imageTypes.has(content.mimeType.toLowerCase())) {
        const media = content.mimeType.toLowerCase() as 'image/png';
        return { type: 'image', source: { type: 'base64', media_type: media, data: content.data } };
      }
      return { type: 'text', text: describeMedia('image', content.mimeType, content.data) };
    case 'audio':
      return { type: 'text', text: describeMedia('audio', content.mimeType, content.data) };
    case 'resource': {
      const resource = content.resource;
      if ('text' in resource) return { type: 'text', text: `resource ${resource.uri}:\n${resource.text}` };
      return { type: 'text', text: `resource ${resource.uri}: ${describeMedia('content', resource.mimeType, resource.blob)}` };
    }
    case 'resource_link':
      return { type: 'text', text: `link to resource ${content.uri}${content.name ? ` (${content.name})` : ''}${content.description ? `: ${content.description}` : ''}` };
    default:
      return { type: 'text', text: `[${String((content as { type?: unknown }).type)} content] ${JSON.stringify(content)}` };
  }
}

/** Whether `text` is the JSON of `value` (servers often repeat structured content as text). */
function sameJson(text: string, value: unknown): boolean {
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
  } catch {
    return false;
  }
}

/** The content blocks of a result: every content item, then structured content as JSON unless the text already says it. */
export function resultBlocks(result: CallToolResult): Block[] {
  const blocks = (result.content ?? []).map(blockOf);
  if (result.structuredContent !== undefined && !blocks.some((block) => block.type === 'text' && sameJson(block.text, result.structuredContent))) {
    blocks.push({ type: 'text', text: JSON.stringify(result.structuredContent) });
  }
  return blocks;
}

/** The tool_result block answering `toolUseId` with `result` (`isError` becomes `is_error`). */
export function toolResultBlock(toolUseId: string, result: CallToolResult): ToolResultBlockParam {
  const blocks = resultBlocks(result);
  return { type: 'tool_result', tool_use_id: toolUseId, ...(blocks.length > 0 && { content: blocks }), ...(result.isError && { is_error: true }) };
}

/** A tool_result saying the call failed without a result (the server refused it, the connection ended, it was cancelled). */
export function toolFailureBlock(toolUseId: string, message: string): ToolResultBlockParam {
  return { type: 'tool_result', tool_use_id: toolUseId, content: [{ type: 'text', text: message }], is_error: true };
}

/** One line, at most about 120 characters, with a count of what was left out. */
export function shorten(text: string, limit = SHORT): string {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const first = (lines[0] ?? '').trim();
  const cut = first.length > limit ? `${first.slice(0, limit - 1)}…` : first;
  return lines.length > 1 ? `${cut} (+${lines.length - 1} more lines)` : cut;
}

/** The short form of a result for the terminal: its content's first line (structured content only when there is none), images by type. */
export function shortResult(result: CallToolResult): string {
  const blocks = (result.content ?? []).length > 0 ? (result.content ?? []).map(blockOf) : resultBlocks(result);
  const parts = blocks.map((block) => (block.type === 'text' ? block.text : `[image ${block.source.type === 'base64' ? block.source.media_type : ''}]`));
  return shorten(parts.join('\n')) || '(no content)';
}
