// Composes `mcp-bridge chat`: every server connected with terminal hooks (elicitation forms, roots =
// the current directory) and Claude answering their sampling requests, the tool catalogue, the
// Anthropic client, then the conversation or the one --prompt turn, and the exit status.
import { Readable } from 'node:stream';
import type Anthropic from '@anthropic-ai/sdk';
import { createAnthropic } from '../client/chat/anthropic.js';
import { ToolCatalogue } from '../client/chat/catalogue.js';
import type { History } from '../client/chat/history.js';
import type { ChatOptions } from '../client/chat/options.js';
import { claudeSampling } from '../client/chat/sampling.js';
import { closeServers, connectServers, targetLabel, type ChatConnection } from '../client/chat/servers.js';
import { chatExit, promptMessage, readPiped, runConversation, runOneTurn, type Conversation } from '../client/chat/session.js';
import { runTurn } from '../client/chat/turn.js';
import { openClientConnection, type ClientHooks } from '../client/connection.js';
import { LineSource, type MaybeTtyInput } from '../client/lines.js';
import type { MaybeTty } from '../client/progress.js';
import { terminalHooks } from '../client/terminalHooks.js';
import type { Logger } from '../shared/log.js';

export { chatExit } from '../client/chat/session.js';

/** The streams chat uses (default: the process's): Claude's words on `out`, everything else on `err`. */
export interface ChatIo {
  readonly input: MaybeTtyInput;
  readonly out: NodeJS.WritableStream;
  readonly err: MaybeTty;
}

/** A running chat: `done` gives the exit status; `interrupt()` is Ctrl-C (stops the turn, or leaves). */
export interface ChatRun {
  readonly done: Promise<number>;
  interrupt(): void;
}

/**
 * Runs `mcp-bridge chat`: connects every server (transport logs to `log`, sign-in prompts to
 * `oauthLog`), then talks with Claude until the input ends (0), Ctrl-C with no turn running (130),
 * or after the one --prompt turn (0; 1 when the API failed). No server reachable: 3. Never throws.
 */
export function runChat(options: ChatOptions, log: Logger, oauthLog: Logger, io: ChatIo = { input: process.stdin, out: process.stdout, err: process.stderr }): ChatRun {
  const say = (line: string): void => void io.err.write(`${line}\n`);
  let lines: LineSource | undefined;
  // Once --prompt has read piped stdin to its end, a question finds the input ended (and is refused) instead of waiting forever.
  let inputUsed = false;
  const openLines = (): LineSource => (lines ??= new LineSource(inputUsed ? Readable.from([]) : io.input, io.err));
  let conversation: Conversation | undefined;
  let interruptedEarly = false;
  let servers: ChatConnection[] = [];
  let catalogue: ToolCatalogue | undefined;
  const anthropic: Anthropic = createAnthropic(say, io.err);

  const hooksFor = (serverName: () => string): ClientHooks => {
    const terminal = terminalHooks({ err: io.err, lines: openLines }, { allowSampling: false });
    const ask = (question: string): Promise<string | undefined> => {
      const source = openLines();
      if (!source.interactive) io.err.write(question);
      return source.next(question);
    };
    return {
      ...terminal,
      onSampling: claudeSampling(anthropic, { model: options.model, yes: options.yes, ask, say }, serverName),
      onNotification: (notification) => {
        if (notification.method === 'notifications/tools/list_changed') catalogue?.forget();
        else terminal.onNotification?.(notification);
      },
    };
  };

  const run = async (): Promise<number> => {
    // --prompt reads piped stdin first: the servers' questions cannot use it afterwards.
    const message = options.prompt !== undefined ? promptMessage(options.prompt, await readPiped(io.input)) : undefined;
    inputUsed = message !== undefined && !io.input.isTTY;
    const connected = await connectServers(options.servers, (server, index) => {
      // Its chat name is known once every server has connected; a request before that names its target.
      const name = (): string => servers.find((connected) => connected.index === index)?.name ?? targetLabel(server);
      return openClientConnection(server.target, { log, oauthLog, hooks: hooksFor(name), clientInfo: { name: 'mcp-bridge-chat', version: '1' } });
    });
    servers = connected.servers;
    for (const failure of connected.failures) say(`mcp-bridge chat: ${failure}`);
    if (servers.length === 0) return chatExit.unreachable;
    if (interruptedEarly) return chatExit.interrupted;
    catalogue = new ToolCatalogue(servers, options.separator);
    const tools = await catalogue.tools(say);
    say(`connected to ${servers.map((server) => server.name).join(', ')} (${tools.length} tools); model ${options.model}${message === undefined ? '; Ctrl-C stops a reply, Ctrl-D leaves' : ''}`);
    const history: History = [];
    const turn = (content: Parameters<typeof runTurn>[2], signal: AbortSignal): ReturnType<typeof runTurn> =>
      runTurn(anthropic, history, content, catalogue!, { model: options.model, system: options.system, maxTokens: options.maxTokens, requestTimeoutMs: options.requestTimeoutMs }, io, signal);
    conversation = message !== undefined ? runOneTurn(turn, message) : runConversation(turn, openLines());
    return conversation.done;
  };

  const done = run()
    .catch((error: unknown) => {
      say(`mcp-bridge chat: ${error instanceof Error ? error.message : String(error)}`);
      return chatExit.failed;
    })
    .then(async (status) => {
      lines?.close();
      await closeServers(servers);
      return status;
    });

  const interrupt = (): void => {
    if (conversation) conversation.interrupt();
    else interruptedEarly = true;
  };
  return { done, interrupt };
}
