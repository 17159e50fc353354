import { spawn } from 'node:child_process';
import type { Logger } from '../log.js';

/** How to open a URL on one platform: the command and its argv, run without a shell. */
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

/** True when a browser can be shown: always on macOS and Windows, on Linux and BSD only with DISPLAY or WAYLAND_DISPLAY. */
export function canOpenBrowser(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): boolean {
  if (platform === 'darwin' || platform === 'win32') return true;
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
 * Sends the user to `url` to sign in: opens the browser (detached, no shell, failures only logged),
 * or with `noBrowser` or no display prints "Open this URL to sign in: …" to the log. The URL holds
 * no secret (state and the PKCE challenge only), so it may be printed.
 */
export function openBrowser(url: string, { noBrowser, log, platform = process.platform, env = process.env }: OpenOptions): void {
  const prompt = `Open this URL to sign in: ${url}`;
  if (noBrowser || !canOpenBrowser(platform, env)) {
    // warn, not info: the user has to act, also when the log is turned down to warnings.
    log.warn(prompt);
    return;
  }
  log.info('opening the browser to sign in to the remote MCP server');
  log.info(`If no browser opens: ${prompt}`);
  const opener = openerFor(url, platform);
  try {
    const child = spawn(opener.command, opener.args, {
      detached: true,
      stdio: 'ignore',
      shell: false,
      windowsHide: true,
      windowsVerbatimArguments: opener.verbatim ?? false,
    });
    child.on('error', (error) => log.warn(`could not open a browser (${error.message}); ${prompt}`));
    child.unref();
  } catch (error) {
    log.warn(`could not open a browser (${(error as Error).message}); ${prompt}`);
  }
}
