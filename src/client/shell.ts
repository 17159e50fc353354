// `inspect --shell`: an interactive session on one connection. Commands are read from a LineSource
// (typed, with completion and history, or piped), each run as the one-shot command runs it.
import { parse as parseWords } from 'shell-quote';
import { BridgeError } from '../shared/errors.js';
import { Catalogue, runAction, type ActionIo } from './commands.js';
import { shellCommands, type CompletionNames } from './completer.js';
import type { ClientConnection } from './connection.js';
import type { LineSource } from './lines.js';
import type { InspectAction } from './options.js';
import { oneLine, listResources } from './summary.js';

/** What the shell needs besides the connection: its input, and where and how actions write. */
export interface ShellIo extends Omit<ActionIo, 'signal'> {
  readonly lines: LineSource;
}

/** A running shell: `interrupt()` cancels the request in flight, or ends the shell at the prompt. */
export interface Shell {
  /** Resolves once the input ends or `exit` is typed (exit status 0). */
  readonly done: Promise<number>;
  interrupt(): void;
}

const help = `commands:
  call TOOL key=value …     call a tool (values typed by its schema; or one '{"json": …}' word)
  read URI                  read a resource
  prompt NAME key=value …   get a prompt
  tools | prompts | resources   list them
  info                      what the server is and offers
  help                      this text
  exit                      end the session (also Ctrl-D)
Tab completes commands, names and argument names; Ctrl-C cancels a request in flight.`;

/** The names the completer offers, listed once at the start. */
export async function completionNames(connection: ClientConnection, catalogue: Catalogue): Promise<CompletionNames> {
  const [tools, prompts, { resources }] = await Promise.all([catalogue.listTools(), catalogue.listPrompts(), listResources(connection)]);
  return {
    tools: tools.map((tool) => tool.name),
    prompts: prompts.map((prompt) => prompt.name),
    resources: resources.map((resource) => resource.uri),
    toolArguments: Object.fromEntries(tools.map((tool) => [tool.name, Object.keys(tool.inputSchema.properties ?? {})])),
    promptArguments: Object.fromEntries(prompts.map((prompt) => [prompt.name, (prompt.arguments ?? []).map((argument) => argument.name)])),
  };
}

/** The words of a typed line (quotes work, shell operators do not). */
function wordsOf(line: string): string[] {
  return parseWords(line, (name) => `$${name}`).map((word) => (typeof word === 'string' ? word : 'op' in word ? word.op : String(word)));
}

/** A typed command as an action, or undefined for the shell's own commands. */
function actionOf(words: string[]): InspectAction {
  const [verb, name, ...rest] = words;
  if ((verb === 'call' || verb === 'prompt') && name === undefined) throw new BridgeError('CLIENT_INVALID_ARGUMENTS', `${verb} needs a name`);
  if (verb === 'call') {
    const json = rest.length === 1 && rest[0]!.trim().startsWith('{') ? rest[0]! : undefined;
    let args: Record<string, unknown> | undefined;
    try {
      args = json === undefined ? undefined : (JSON.parse(json) as Record<string, unknown>);
    } catch (error) {
      throw new BridgeError('CLIENT_INVALID_ARGUMENTS', `not JSON: ${(error as Error).message}`);
    }
    return { kind: 'call', tool: name!, pairs: json === undefined ? rest : [], args };
  }
  if (verb === 'prompt') return { kind: 'prompt', name: name!, pairs: rest };
  if (name === undefined || rest.length > 0) throw new BridgeError('CLIENT_INVALID_ARGUMENTS', 'read takes one URI');
  return { kind: 'read', uri: name };
}

/** Starts the shell on `connection`; its prompt is `mcp> ` on a terminal, nothing when piped. */
export function startShell(connection: ClientConnection, io: ShellIo, catalogue = new Catalogue(connection)): Shell {
  let running: AbortController | undefined;
  const say = (text: string): void => void io.out.write(`${text}\n`);
  const list = async (what: string): Promise<void> => {
    if (what === 'tools') for (const tool of await catalogue.listTools()) say(`${tool.name}  ${oneLine(tool.description)}`.trimEnd());
    if (what === 'prompts') for (const prompt of await catalogue.listPrompts()) say(`${prompt.name}  ${oneLine(prompt.description)}`.trimEnd());
    if (what === 'resources') for (const resource of (await listResources(connection)).resources) say(`${resource.uri}  ${resource.name}`);
  };
  const runOne = async (words: string[]): Promise<void> => {
    const [verb = ''] = words;
    if (verb === 'help') return say(help);
    if (verb === 'tools' || verb === 'prompts' || verb === 'resources') return list(verb);
    const action: InspectAction | undefined = verb === 'info' ? { kind: 'summary' } : ['call', 'read', 'prompt'].includes(verb) ? actionOf(words) : undefined;
    if (!action) return void io.err.write(`unknown command "${verb}"; one of: ${shellCommands.join(', ')}\n`);
    running = new AbortController();
    try {
      await runAction(connection, action, { ...io, signal: running.signal }, catalogue);
    } finally {
      running = undefined;
    }
  };
  const loop = async (): Promise<number> => {
    for (;;) {
      const line = await io.lines.next('mcp> ');
      if (line === undefined) return 0;
      const words = wordsOf(line);
      if (words.length === 0) continue;
      if (words[0] === 'exit' || words[0] === 'quit') return 0;
      try {
        await runOne(words);
      } catch (error) {
        // One line, and the session goes on; a lost connection ends it.
        if (error instanceof BridgeError && error.code === 'CLIENT_CONNECTION_LOST') throw error;
        io.err.write(`error: ${error instanceof BridgeError ? error.message : (error as Error).message}\n`);
      }
    }
  };
  const done = loop().finally(() => io.lines.close());
  const interrupt = (): void => {
    if (running) running.abort('interrupted');
    else io.lines.close();
  };
  io.lines.oninterrupt = interrupt;
  return { done, interrupt };
}
