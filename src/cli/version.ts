// mcp-bridge's own version, for --version: never the version of the project it happens to run in.
import { readFileSync } from 'node:fs';

/** Set by the single-executable bundle (scripts/build-binary.mjs), which has no package.json on disk. */
declare const MCP_BRIDGE_BUNDLED_VERSION: string | undefined;

/**
 * mcp-bridge's version: the one the bundle injected, else the `version` of the package.json one
 * folder above this module (dist/ → the package root), wherever it is installed; "unknown" if unreadable.
 */
export function bridgeVersion(): string {
  if (typeof MCP_BRIDGE_BUNDLED_VERSION === 'string') return MCP_BRIDGE_BUNDLED_VERSION;
  try {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}
