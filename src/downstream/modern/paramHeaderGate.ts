/**
 * The forward bridge's side of SEP-2243 custom headers: which `Mcp-Param-*` headers each of the
 * server's tools calls for, learnt from its tools/list answers, and the check of a tools/call.
 */
import { scanHeaderDeclarations, type HeaderDeclaration } from '../../shared/customHeaders.js';
import type { Logger } from '../../shared/log.js';
import { checkParamHeaders, type HeaderMismatch } from './headers.js';

type Result = Record<string, unknown>;

/** Asks the server for one page of its tools (cursor undefined for the first) and resolves with the tools/list result. */
export type ToolPager = (cursor: string | undefined) => Promise<Result>;

/** Pages the bridge reads when it lists the tools itself, and how long it waits for all of them. */
const MAX_PAGES = 100;
const LIST_TIMEOUT_MS = 10_000;
// Invalid tools remembered as already warned about (a server renaming them endlessly cannot grow it).
const MAX_WARNED = 1000;

/**
 * What the server's tools declare, kept current three ways: every tools/list answer passing
 * through teaches it (a whole list replaces what was known); a `notifications/tools/list_changed`
 * from the server makes it stale; and a tools/call while it is stale (or before anything was
 * learnt) first lists the tools itself, once for all calls waiting. Tools with invalid annotations
 * are passed on to clients as they are (2026-07-28 clients leave them out) and not checked.
 */
export class ParamHeaderGate {
  private declarations = new Map<string, HeaderDeclaration[]>();
  private readonly warned = new Set<string>();
  private stale = true;
  /** Counts list changes, so that a listing that began before one does not count as current. */
  private changes = 0;
  private listing: Promise<void> | undefined;

  constructor(
    private readonly listPage: ToolPager,
    private readonly log: Logger,
  ) {}

  /** Learns from a tools/list result answering a request with these params. */
  learn(params: Result | undefined, result: unknown): void {
    const tools = (result as { tools?: unknown } | null)?.tools;
    if (!Array.isArray(tools)) return;
    const whole = params?.cursor === undefined && (result as Result).nextCursor === undefined;
    const learnt = this.scan(tools);
    if (whole) {
      this.declarations = learnt;
      this.stale = false;
    } else {
      for (const [name, declarations] of learnt) this.declarations.set(name, declarations);
    }
  }

  /** The server's tool list changed: the next tools/call lists the tools again before it is checked. */
  markStale(): void {
    this.stale = true;
    this.changes++;
  }

  /** The refusal for a request whose `Mcp-Param-*` headers disagree with its arguments; undefined for every other request. */
  async refusal(headers: Headers, method: string, params: Result | undefined): Promise<HeaderMismatch | undefined> {
    if (method !== 'tools/call' || typeof params?.name !== 'string') return undefined;
    if (this.stale) await (this.listing ??= this.listAll().finally(() => (this.listing = undefined)));
    const declarations = this.declarations.get(params.name);
    return declarations ? checkParamHeaders(headers, declarations, params.arguments) : undefined;
  }

  /** Lists every page itself; on failure keeps what it knew (and stops asking until the list changes), so calls are not held up. */
  private async listAll(): Promise<void> {
    const deadline = Date.now() + LIST_TIMEOUT_MS;
    const changes = this.changes;
    const learnt = new Map<string, HeaderDeclaration[]>();
    try {
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const result = await withDeadline(this.listPage(cursor), deadline);
        for (const [name, declarations] of this.scan(Array.isArray(result.tools) ? result.tools : [])) learnt.set(name, declarations);
        cursor = typeof result.nextCursor === 'string' ? result.nextCursor : undefined;
        if (cursor === undefined) break;
      }
      this.declarations = learnt;
    } catch (error) {
      this.log.warn('could not list the MCP server tools to check Mcp-Param headers; calls are checked against what was known', { error: (error as Error).message });
    }
    if (this.changes === changes) this.stale = false;
  }

  /** The declarations of the valid tools among `tools`; an invalid one is warned about once. */
  private scan(tools: unknown[]): Map<string, HeaderDeclaration[]> {
    const learnt = new Map<string, HeaderDeclaration[]>();
    for (const tool of tools) {
      const { name, inputSchema } = (tool ?? {}) as { name?: unknown; inputSchema?: unknown };
      if (typeof name !== 'string') continue;
      const scan = scanHeaderDeclarations(inputSchema);
      if (scan.valid) {
        if (scan.declarations.length > 0) learnt.set(name, scan.declarations);
      } else if (!this.warned.has(`${name}\n${scan.reason}`)) {
        if (this.warned.size >= MAX_WARNED) this.warned.clear();
        this.warned.add(`${name}\n${scan.reason}`);
        this.log.warn('the MCP server lists a tool with an invalid x-mcp-header; 2026-07-28 clients will leave it out', { tool: name, reason: scan.reason });
      }
    }
    return learnt;
  }
}

/** The promise's value, or an error once the deadline has passed. */
function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no tools/list answer within ${LIST_TIMEOUT_MS} ms`)), Math.max(0, deadline - Date.now()));
    timer.unref();
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
