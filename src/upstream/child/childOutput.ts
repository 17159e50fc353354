// What a stdio child writes: JSON-RPC messages read from its stdout (a large response passed on as
// its bytes, an oversized line still answered) and its stderr lines, to the log.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ChildObserver } from '../../core/observers.js';
import { parseJsonRpcLine } from '../../shared/jsonrpc.js';
import { LineFramer, type OversizedLine } from '../../shared/lineFramer.js';
import type { Logger } from '../../shared/log.js';
import { tooLargeError, waitingOn } from '../../shared/oversize.js';
import type { RawJson } from '../../shared/rawJson.js';
import { rawResponse } from '../../shared/rawMessage.js';
import type { TopLevelLayout } from '../../shared/topLevelScanner.js';

/**
 * Lines from this size on are scanned instead of parsed, and a response among them passes on as
 * its bytes (see rawMessage.ts); below it, parsing costs less than the bookkeeping.
 */
const rawFromBytes = 64 * 1024;

/** Where a child's output goes. */
export interface ChildOutputSink {
  readonly maxLineBytes: number;
  readonly observer: Partial<ChildObserver>;
  /** The logger of the moment (a prespawned child adopts its session's). */
  log(): Logger;
  /** A message the child wrote. */
  message(message: JSONRPCMessage): void;
  /** The error answer standing in for a response that was too large. */
  replacedAnswer(answer: JSONRPCMessage): void;
  /** Writes a message to the child (the error for its own request that was too large). */
  answerChild(message: JSONRPCMessage): void;
  /** Told of every chunk the child writes to stdout, before its lines are handled. */
  heard(): void;
}

/** Reads `child`'s stdout as newline-delimited JSON-RPC (lines bounded by `sink.maxLineBytes`) and its stderr into the log. */
export function readChildOutput(child: ChildProcessWithoutNullStreams, sink: ChildOutputSink): void {
  const framer = new LineFramer(
    sink.maxLineBytes,
    (line) => receiveLine(line, sink),
    (line) => dropOversized(line, sink),
    true,
    { fromBytes: rawFromBytes, onLine: (line, layout) => receiveLargeLine(line, layout, sink) },
  );
  child.stdout.on('data', (chunk: Buffer) => {
    sink.observer.bytes?.('server_to_client', chunk.length);
    sink.heard();
    framer.push(chunk);
  });
  readStderr(child, sink);
}

/**
 * A line over --maxLineBytes is dropped but still answered: a response becomes a MESSAGE_TOO_LARGE
 * error for the request it answers (emitted like any response, so shared mode restores the
 * client's id), a request from the server gets that error back on its stdin.
 */
function dropOversized(line: OversizedLine, sink: ChildOutputSink): void {
  const limit = { bytes: sink.maxLineBytes, flag: 'maxLineBytes' };
  const waiting = waitingOn(line);
  sink.log().warn('dropped an oversized line from the MCP server', { bytes: line.bytes, limit: limit.bytes, answered: waiting?.id ?? null });
  if (waiting?.kind === 'sender') return sink.answerChild(tooLargeError(waiting.id, 'the request', line.bytes, limit));
  if (waiting) sink.replacedAnswer(tooLargeError(waiting.id, 'the MCP server\'s answer', line.bytes, limit));
}

/** A large line: a response is passed on as its bytes; anything else is parsed as a small line is. */
function receiveLargeLine(line: RawJson, layout: TopLevelLayout, sink: ChildOutputSink): void {
  const message = rawResponse(line, layout);
  if (message) return sink.message(message);
  receiveLine(line.toString(), sink);
}

function receiveLine(line: string, sink: ChildOutputSink): void {
  const read = parseJsonRpcLine(line);
  if (read.kind === 'message') return sink.message(read.message);
  if (read.kind === 'blank') return;
  const what = read.kind === 'not-json' ? 'a non-JSON line' : 'a JSON line that is not JSON-RPC';
  sink.log().warn(`skipped ${what} from the MCP server`, { line: line.slice(0, 200) });
}

function readStderr(child: ChildProcessWithoutNullStreams, sink: ChildOutputSink): void {
  const framer = new LineFramer(
    64 * 1024,
    (line) => line.trim() && sink.log().info(line.trimEnd(), { stream: 'stderr' }),
    () => sink.log().warn('skipped an oversized stderr line from the MCP server'),
    false,
  );
  child.stderr.on('data', (chunk: Buffer) => framer.push(chunk));
}
