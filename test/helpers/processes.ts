import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True while a process with this pid exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Every live descendant pid of `pid` (children, grandchildren, …), read from /proc. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(entry), Number(fields[1]));
    } catch {
      // the process ended while we were reading
    }
  }
  const found: number[] = [];
  let frontier = [pid];
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const [child, parent] of parentOf) if (frontier.includes(parent)) next.push(child);
    found.push(...next);
    frontier = next;
  }
  return found.filter(isAlive);
}

/**
 * A command that passes the bridge's start-up check (an executable file) but cannot be spawned:
 * its `#!` names an interpreter that does not exist, so every spawn fails with ENOENT. Written
 * once per test run into the system's temporary folder.
 */
export const unspawnableCommand: string = (() => {
  const path = join(tmpdir(), `mcp-bridge-unspawnable-${process.pid}`);
  writeFileSync(path, '#!/nonexistent/mcp-bridge-interpreter\n', { mode: 0o755 });
  process.once('exit', () => rmSync(path, { force: true }));
  return path;
})();

/** A port of 127.0.0.1 that was free a moment ago, for servers that take a fixed one. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
