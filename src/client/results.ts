// Results as a person reads them: text as text, images, audio and binary resources saved to files
// (their paths printed), structured content as JSON.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallToolResult, GetPromptResult, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';

/** Where media go and what their files are named after. */
export interface MediaTarget {
  /** The folder files are written to (default: the current directory, from `--out`). */
  readonly outDir: string;
  /** The start of each file name: the tool, prompt or resource's name. */
  readonly stem: string;
}

type Content = CallToolResult['content'][number];

const extensions: Record<string, string> = {
  'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'image/svg+xml': 'svg',
  'audio/wav': 'wav', 'audio/x-wav': 'wav', 'audio/mpeg': 'mp3', 'audio/ogg': 'ogg', 'audio/webm': 'webm', 'audio/flac': 'flac',
  'text/plain': 'txt', 'text/markdown': 'md', 'text/html': 'html', 'text/csv': 'csv',
  'application/pdf': 'pdf', 'application/json': 'json', 'application/gzip': 'gz', 'application/zip': 'zip',
};

function extensionOf(mimeType: string | undefined): string {
  if (!mimeType) return 'bin';
  return extensions[mimeType.toLowerCase()] ?? (mimeType.split('/')[1]?.replace(/[^a-z0-9]/gi, '') || 'bin');
}

/** Writes base64 `data` to a new file in the target folder (never overwriting: -1, -2, … are added); returns its path. */
export function saveMedia(target: MediaTarget, data: string, mimeType: string | undefined): string {
  const stem = target.stem.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'content';
  const bytes = Buffer.from(data, 'base64');
  for (let n = 0; ; n++) {
    const path = join(target.outDir, `${stem}${n === 0 ? '' : `-${n}`}.${extensionOf(mimeType)}`);
    try {
      writeFileSync(path, bytes, { flag: 'wx' });
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

function savedLine(kind: string, path: string, mimeType: string | undefined, data: string): string {
  return `${kind} saved to ${path} (${mimeType ?? 'unknown type'}, ${Buffer.byteLength(data, 'base64')} bytes)`;
}

/** One content block as lines of text (media saved first). */
function contentLines(content: Content, target: MediaTarget): string[] {
  switch (content.type) {
    case 'text':
      return [content.text];
    case 'image':
    case 'audio':
      return [savedLine(content.type, saveMedia(target, content.data, content.mimeType), content.mimeType, content.data)];
    case 'resource': {
      const resource = content.resource;
      if ('text' in resource) return [`resource ${resource.uri}:`, resource.text];
      return [`resource ${resource.uri}: ${savedLine('content', saveMedia(target, resource.blob, resource.mimeType), resource.mimeType, resource.blob)}`];
    }
    case 'resource_link':
      return [`link: ${content.uri}${content.name ? ` (${content.name})` : ''}${content.description ? ` ${content.description}` : ''}`];
    default:
      return [JSON.stringify(content)];
  }
}

/** A tool result as text: every content block, then structured content as JSON (when the content does not already say it). */
export function renderToolResult(result: CallToolResult, target: MediaTarget): string {
  const lines = (result.content ?? []).flatMap((content) => contentLines(content, target));
  if (result.structuredContent !== undefined) {
    const json = JSON.stringify(result.structuredContent, null, 2);
    // Servers often repeat structured content as text for older clients: once is enough.
    if (!lines.some((line) => safeEqualJson(line, result.structuredContent))) lines.push(json);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function safeEqualJson(text: string, value: unknown): boolean {
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
  } catch {
    return false;
  }
}

/** A resource read as text: text contents printed, binary ones saved. */
export function renderResource(result: ReadResourceResult, target: MediaTarget): string {
  const lines = result.contents.flatMap((content) => {
    if ('text' in content && typeof content.text === 'string') return [content.text];
    const blob = (content as { blob: string }).blob;
    return [savedLine('content', saveMedia(target, blob, content.mimeType), content.mimeType, blob)];
  });
  return `${lines.join('\n')}\n`;
}

/** A prompt's messages, each under its role. */
export function renderPrompt(result: GetPromptResult, target: MediaTarget): string {
  const lines = result.description ? [result.description, ''] : [];
  for (const message of result.messages) lines.push(`${message.role}:`, ...contentLines(message.content as Content, target).map((line) => `  ${line}`));
  return `${lines.join('\n')}\n`;
}
