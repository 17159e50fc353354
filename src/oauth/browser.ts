// Opens the authorization URL in the user's browser without a shell, per platform, or says why it
// cannot.
import { spawn } from 'node:child_process';
import { parse as parseShellWords } from 'shell-quote';
import type { Logger } from '../shared/log.js';

/** How to open a URL: the command and its argv, run without a shell. */
export interface Opener {
  readonly command: string;
  readonly args: readonly string[];
  /** Windows only: pass the arguments as written, so that cmd sees the quoted URL whole. */
  readonly verbatim?: boolean;
}

/** The platform's URL opener: `open` on macOS, `cmd /c start "" "URL"` on Windows, `xdg-open` elsewhere. */
export function openerFor(url: string, platform: NodeJS.Platform): Opener {
  if (platform === 'darwin') return { command: 'open', args: [url] };
  // cmd would split an unquoted URL at every `&`; the empty title keeps `start` from taking the URL as one.
  if (platform === 'win32') return { command: 'cmd', args: ['/d', '/s', '/c', `start "" "${url.replace(/"/g, '%22')}"`], verbatim: true };
  return { command: 'xdg-open', args: [url] };
}

/** One `$BROWSER` entry as argv: `%s` becomes the URL (`%%` a `%`), else the URL is appended; undefined for shell syntax. */
function browserEntry(entry: string, url: string, platform: NodeJS.Platform): Opener | undefined {
  // Variables stay as written (no shell expands them); on Windows `\` is a path separator, not an escape.
  const words = parseShellWords(entry, (name) => `$${name}`, platform === 'win32' ? { escape: '^' } : undefined);
  // A trailing `&` (run in the background) is what we do anyway.
  if (words.length > 0 && typeof words.at(-1) === 'object' && (words.at(-1) as { op?: string }).op === '&') words.pop();
  if (words.length === 0 || words.some((word) => typeof word !== 'string')) return undefined;
  let substituted = false;
  const argv = (words as string[]).map((word) =>
    word.replace(/%[s%]/g, (token) => {
      if (token === '%%') return '%';
      substituted = true;
      return url;
    }),
  );
  if (!substituted) argv.push(url);
  return { command: argv[0]!, args: argv.slice(1) };
}

/**
 * The openers `$BROWSER` names, in order: a list of commands separated by `:` (`;` on Windows), the
 * convention other command-line tools follow. Empty when it is unset or blank; entries with shell syntax are skipped.
 */
export function browserCommands(value: string | undefined, url: string, platform: NodeJS.Platform): Opener[] {
  const entries = (value ?? '').split(platform === 'win32' ? ';' : ':').filter((entry) => entry.trim());
  return entries.map((entry) => browserEntry(entry, url, platform)).filter((opener): opener is Opener => opener !== undefined);
}

/** True when a browser can be shown: with `$BROWSER` set, always on macOS and Windows, elsewhere only with DISPLAY or WAYLAND_DISPLAY. */
export function canOpenBrowser(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): boolean {
  if (env.BROWSER?.trim() || platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** Options of openBrowser; the platform and environment default to this process's. */
export interface OpenOptions {
  readonly noBrowser: boolean;
  readonly log: Logger;
  readonly platform?: NodeJS.Platform;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Runs the openers one after another (detached, no shell, never waited for) until one starts and
 * does not exit with an error; calls `failed` with the last reason when none does.
 */
function tryOpeners(openers: readonly Opener[], failed: (reason: string) => void, index: number, reason: string): void {
  const opener = openers[index];
  if (!opener) return failed(reason);
  let done = false;
  const next = (why: string): void => {
    if (done) return;
    done = true;
    tryOpeners(openers, failed, index + 1, why);
  };
  try {
    const child = spawn(opener.command, opener.args, {
      detached: true,
      stdio: 'ignore',
      shell: false,
      windowsHide: true,
      windowsVerbatimArguments: opener.verbatim ?? false,
    });
    child.on('error', (error) => next(`${opener.command}: ${error.message}`));
    child.on('exit', (code) => code !== 0 && code !== null && next(`${opener.command} exited with ${code}`));
    child.unref();
  } catch (error) {
    next(`${opener.command}: ${(error as Error).message}`);
  }
}

/**
 * Sends the user to `url` to sign in: runs `$BROWSER` (each of its commands in turn) when set, also
 * without a display, else the platform's opener; when that fails, with `noBrowser`, or with no display,
 * prints "Open this URL to sign in: …" to the log. The URL holds no secret (state and the PKCE challenge only).
 */
export function openBrowser(url: string, { noBrowser, log, platform = process.platform, env = process.env }: OpenOptions): void {
  const prompt = `Open this URL to sign in: ${url}`;
  if (noBrowser || !canOpenBrowser(platform, env)) {
    // warn, not info: the user has to act, also when the log is turned down to warnings.
    log.warn(prompt);
    return;
  }
  const fromEnv = browserCommands(env.BROWSER, url, platform);
  log.info(fromEnv.length > 0 ? 'opening the browser named by $BROWSER to sign in to the remote MCP server' : 'opening the browser to sign in to the remote MCP server');
  log.info(`If no browser opens: ${prompt}`);
  const openers = env.BROWSER?.trim() ? fromEnv : [openerFor(url, platform)];
  tryOpeners(openers, (reason) => log.warn(`could not open a browser (${reason}); ${prompt}`), 0, '$BROWSER names no command that runs without a shell');
}
