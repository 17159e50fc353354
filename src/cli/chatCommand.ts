// `mcp-bridge chat`: parses its flags, runs the chat, and turns Ctrl-C and the outcome into the
// process's signals handling and exit status (usage errors exit 2, as one line).
import { declareOptions, givenFlags, toRawOptions } from './flags.js';
import { BridgeError } from '../shared/errors.js';
import { createLogger } from '../shared/log.js';

const USAGE_ERROR = 2;

/** Runs `mcp-bridge chat` with `args` (the words after the program name) and exits with its status. */
export async function runChatCommand(args: string[]): Promise<never> {
  const fail = (message: string): never => {
    process.stderr.write(`mcp-bridge chat: ${message}\n`);
    process.exit(USAGE_ERROR);
  };
  const argv = await declareOptions(args).fail((message, error) => fail(message ?? error?.message ?? 'invalid arguments')).parseAsync();
  // The Anthropic SDK loads in this mode only.
  const [{ chatConfig }, { runChat }] = await Promise.all([import('../config/chat.js'), import('../modes/chat.js')]);
  let config: ReturnType<typeof chatConfig>;
  try {
    config = chatConfig(toRawOptions(argv), ((argv.words as unknown[] | undefined) ?? []).map(String), process.env, givenFlags(args));
  } catch (error) {
    return fail(error instanceof BridgeError ? error.detail ?? error.message : (error as Error).message);
  }
  // A person reads the terminal: the bridge's own log stays off unless --logLevel asks for it; sign-in prompts still show.
  const log = createLogger(config.quiet ? { level: 'none' } : config.log);
  const oauthLog = config.quiet ? createLogger({ level: 'warn', format: config.log.format }) : log;
  const run = runChat(config.chat, log, oauthLog);
  let exiting = false;
  // Ctrl-C stops the turn running and returns to the prompt; at the prompt, or a second time while a turn stops, it leaves.
  process.on('SIGINT', () => run.interrupt());
  // SIGTERM: the turn (if any) is stopped and the chat left at once.
  process.on('SIGTERM', () => {
    if (exiting) process.exit(143);
    exiting = true;
    run.interrupt();
    run.interrupt();
  });
  process.exit(await run.done);
}
