// Composes `mcp-bridge inspect`: the client connection with terminal hooks, then one action or the
// shell, and the exit status (0 success, 1 tool error, 2 usage, 3 cannot connect, 130 interrupted).
import { Catalogue, runAction } from '../client/commands.js';
import { completeLine, type CompletionNames } from '../client/completer.js';
import { openClientConnection, type ClientConnection } from '../client/connection.js';
import { LineSource, type MaybeTtyInput } from '../client/lines.js';
import type { InspectOptions } from '../client/options.js';
import type { MaybeTty } from '../client/progress.js';
import { completionNames, startShell } from '../client/shell.js';
import { terminalHooks } from '../client/terminalHooks.js';
import { BridgeError, type BridgeErrorCode } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';

/** The streams inspect uses (default: the process's). */
export interface InspectIo {
  readonly input: MaybeTtyInput;
  readonly out: NodeJS.WritableStream;
  readonly err: MaybeTty;
}

/** A running inspect: `done` gives the exit status; `interrupt()` (Ctrl-C) cancels what is in flight and ends it. */
export interface InspectRun {
  readonly done: Promise<number>;
  interrupt(): void;
}

/** Exit statuses, as the README lists them. */
export const inspectExit = { ok: 0, toolError: 1, usage: 2, unreachable: 3, interrupted: 130 } as const;

// Everything that means "the server could not be reached, started or kept, or refused us" exits 3.
const cannotConnect = new Set<BridgeErrorCode>([
  'CLIENT_CONNECT_FAILED', 'CLIENT_CONNECTION_LOST', 'REMOTE_UNREACHABLE', 'REMOTE_UNAUTHORIZED', 'REMOTE_CONNECTION_LOST',
  'REMOTE_SESSION_LOST', 'REMOTE_REJECTED', 'CHILD_START_FAILED', 'CHILD_EXITED', 'SESSION_CLOSED', 'CONFIG_INVALID',
]);

function exitFor(error: unknown): number {
  if (!(error instanceof BridgeError)) return inspectExit.toolError;
  if (error.code === 'CLIENT_INVALID_ARGUMENTS') return inspectExit.usage;
  return cannotConnect.has(error.code) ? inspectExit.unreachable : inspectExit.toolError;
}

/**
 * Runs `mcp-bridge inspect`: connects to the target (transport logs to `log`, OAuth's sign-in prompts to
 * `oauthLog`), then shows the summary, runs the action, or runs the shell on `io.input`. Every failure
 * is one line on stderr, `mcp-bridge inspect: …`, and an exit status; nothing throws.
 */
export function runInspect(options: InspectOptions, log: Logger, oauthLog: Logger, io: InspectIo = { input: process.stdin, out: process.stdout, err: process.stderr }): InspectRun {
  let names: CompletionNames | undefined;
  let lines: LineSource | undefined;
  // The input is opened only when needed: a one-shot command reads it only if the server asks a question.
  const openLines = (): LineSource => (lines ??= new LineSource(io.input, io.err, (line: string) => (names ? completeLine(line, names) : [[], line])));
  const controller = new AbortController();
  let interruptShell: (() => void) | undefined;
  let connection: ClientConnection | undefined;
  // In the shell, a list_changed makes the next call list again and the completion catch up.
  let refresh: (() => void) | undefined;

  const run = async (): Promise<number> => {
    const hooks = terminalHooks({ err: io.err, lines: openLines }, { allowSampling: options.allowSampling, onListChanged: () => refresh?.() });
    connection = await openClientConnection(options.target, { log, oauthLog, hooks, clientInfo: { name: 'mcp-bridge-inspect', version: '1' } });
    if (controller.signal.aborted) return inspectExit.interrupted;
    const actionIo = { out: io.out, err: io.err, json: options.json, outDir: options.outDir, requestTimeoutMs: options.requestTimeoutMs };
    if (!options.shell) return runAction(connection, options.action, { ...actionIo, signal: controller.signal });
    const shellLines = openLines();
    const catalogue = new Catalogue(connection);
    const open = connection;
    names = await completionNames(open, catalogue);
    refresh = () => {
      catalogue.forget();
      completionNames(open, catalogue).then((fresh) => (names = fresh), () => {});
    };
    const shell = startShell(connection, { ...actionIo, lines: shellLines }, catalogue);
    interruptShell = shell.interrupt;
    if (shellLines.interactive) io.out.write(`connected to ${connection.serverInfo.name} ${connection.serverInfo.version}; type help for the commands\n`);
    // A server that goes away ends the session with the same error as a failed call.
    const lost = connection.closed.then(() => Promise.reject(new BridgeError('CLIENT_CONNECTION_LOST', 'the server closed the connection')));
    lost.catch(() => {});
    return Promise.race([shell.done, lost]);
  };

  const done = run()
    .catch((error: unknown) => {
      if (controller.signal.aborted) return inspectExit.interrupted;
      io.err.write(`mcp-bridge inspect: ${error instanceof Error ? error.message : String(error)}\n`);
      return exitFor(error);
    })
    .then(async (status) => {
      if (controller.signal.aborted && status === inspectExit.interrupted) io.err.write('mcp-bridge inspect: cancelled\n');
      lines?.close();
      await connection?.close();
      return status;
    });

  const interrupt = (): void => {
    if (interruptShell) return interruptShell();
    controller.abort('interrupted');
  };
  return { done, interrupt };
}
