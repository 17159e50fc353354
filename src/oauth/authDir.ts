// Where OAuth tokens and registrations are stored by default, per platform.
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where OAuth tokens and client registrations live by default: `$MCP_BRIDGE_AUTH_DIR`, else the
 * platform's per-user config directory (`$XDG_CONFIG_HOME` or `~/.config` on Linux, `~/Library/
 * Application Support` on macOS, `%APPDATA%` on Windows) + `/mcp-bridge/auth`.
 */
export function defaultAuthDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env.MCP_BRIDGE_AUTH_DIR) return env.MCP_BRIDGE_AUTH_DIR;
  const configRoot =
    platform === 'darwin'
      ? join(home, 'Library', 'Application Support')
      : platform === 'win32'
        ? (env.APPDATA ?? join(home, 'AppData', 'Roaming'))
        : (env.XDG_CONFIG_HOME ?? join(home, '.config'));
  return join(configRoot, 'mcp-bridge', 'auth');
}
