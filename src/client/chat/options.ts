// What `mcp-bridge chat` is given: the MCP servers Claude may use (each under a name) and how to talk
// to the Messages API. config/ builds it; the chat files under client/chat/ only read it.
import type { ClientTarget } from '../options.js';

/** The model chat talks to when neither --model nor $ANTHROPIC_MODEL names one. */
export const DEFAULT_MODEL = 'claude-sonnet-4-5';

/**
 * One server of the chat. `name` prefixes its tools (`NAME__TOOL`) when the chat has several
 * servers; a URL or command target has none until it connects, when its serverInfo names it.
 */
export interface ChatServer {
  readonly target: ClientTarget;
  readonly name?: string;
}

/** `mcp-bridge chat`, validated. */
export interface ChatOptions {
  readonly servers: readonly ChatServer[];
  /** Joins a server's name and its tool's in the names Claude sees (default `__`, a config file's `separator`). */
  readonly separator: string;
  /** `--model`, else $ANTHROPIC_MODEL, else DEFAULT_MODEL. */
  readonly model: string;
  /** `--system`: the system prompt (default none). */
  readonly system?: string;
  /** `--maxTokens`: the most tokens of one reply (default 8192). */
  readonly maxTokens: number;
  /** `--prompt`: one turn with this text (plus piped stdin), then exit; absent: a conversation. */
  readonly prompt?: string;
  /** `--yes`: answer sampling requests with Claude without asking (default false: asked first). */
  readonly yes: boolean;
  /** A tool call gives up after this long without an answer or progress (`--requestTimeout`; 0: never). */
  readonly requestTimeoutMs: number;
}
