// The names Claude sees for the servers' tools: `SERVER__TOOL` when there are several servers (as a
// gateway's config file names them), made to fit the Messages API's ^[a-zA-Z0-9_-]{1,128}$ and kept
// unique, and the way back from such a name to the server and the tool's own name.
import { createHash } from 'node:crypto';

const MAX_LENGTH = 128;
const valid = /^[a-zA-Z0-9_-]{1,128}$/;

/** Where a name Claude uses leads: the server (by its index in the chat) and the tool's real name. */
export interface ToolRoute {
  readonly server: number;
  readonly tool: string;
}

/** A name that fits the API: other characters become `_`, and a name too long keeps its start and a hash of the whole. */
export function apiSafeName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_-]/g, '_') || '_';
  if (cleaned.length <= MAX_LENGTH && cleaned === name) return cleaned;
  // A hash keeps two long (or rewritten) names apart when their starts agree.
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return cleaned.length <= MAX_LENGTH ? cleaned : `${cleaned.slice(0, MAX_LENGTH - 9)}_${hash}`;
}

/**
 * The table of names for one chat: `add` gives each tool its API name (prefixed with its server's
 * name and the separator when `prefixed`), `route` maps a name Claude used back. Names that would
 * collide get `_2`, `_3`, ….
 */
export class ToolNames {
  private readonly routes = new Map<string, ToolRoute>();

  constructor(
    private readonly separator: string,
    private readonly prefixed: boolean,
  ) {}

  /** Registers a tool of server `server` (named `serverName`) and returns the name Claude will see. */
  add(server: number, serverName: string, tool: string): string {
    const wanted = apiSafeName(this.prefixed ? `${serverName}${this.separator}${tool}` : tool);
    let name = wanted;
    for (let n = 2; this.routes.has(name); n++) {
      const suffix = `_${n}`;
      name = `${wanted.slice(0, MAX_LENGTH - suffix.length)}${suffix}`;
    }
    this.routes.set(name, { server, tool });
    return name;
  }

  /** The server and tool behind a name Claude used, or undefined for a name it made up. */
  route(name: string): ToolRoute | undefined {
    return valid.test(name) ? this.routes.get(name) : undefined;
  }
}
