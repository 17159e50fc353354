// A file lock so that several mcp-bridge processes do not sign in or refresh tokens for one server
// at the same time.
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';

/** How long a lock waits, and when someone else's lock counts as abandoned. */
export interface LockOptions {
  /** Give up waiting after this long (default 6 min: longer than a browser sign-in may take). */
  readonly waitMs?: number;
  /** A lock whose file was not touched for this long is abandoned (default 30 s; holders touch it every 5 s). */
  readonly staleMs?: number;
  /** How often a waiter looks again (default 50 ms). */
  readonly pollMs?: number;
}

/** What a lock file holds: who took it, so that others can tell a live holder from a dead one. */
interface Holder {
  readonly id: string;
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

const HEARTBEAT_MS = 5_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(path: string): Promise<Holder | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as Partial<Holder>;
    return typeof value.id === 'string' && typeof value.pid === 'number' && typeof value.host === 'string' ? (value as Holder) : undefined;
  } catch {
    return undefined;
  }
}

/** The holder of an abandoned lock (dead process on this host, or untouched for `staleMs`), or undefined while the lock is live. */
async function abandoned(path: string, staleMs: number): Promise<{ id: string | undefined } | undefined> {
  let modified: number;
  try {
    modified = (await stat(path)).mtimeMs;
  } catch {
    return undefined; // released meanwhile: the next attempt to create it will tell
  }
  const holder = await readHolder(path);
  if (holder && holder.host === hostname() && !isAlive(holder.pid)) return { id: holder.id };
  // A holder on another host (shared home directory), or one that died between creating and writing the file.
  return Date.now() - modified > staleMs ? { id: holder?.id } : undefined;
}

/**
 * Removes an abandoned lock without removing a fresh one taken meanwhile: the file is moved aside
 * first (atomic), and put back if it turns out to be someone else's new lock.
 */
async function breakLock(path: string, staleId: string | undefined): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch {
    return; // someone else broke or released it first
  }
  const moved = await readHolder(aside);
  if (moved && moved.id !== staleId) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
}

/**
 * Takes the cross-process lock at `path` (an exclusively created file holding pid, host and time),
 * waiting while another process holds it. Resolves to the function that releases it.
 */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<() => Promise<void>> {
  const { waitMs = 360_000, staleMs = 30_000, pollMs = 50 } = options;
  const holder: Holder = { id: randomBytes(12).toString('hex'), pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const file = await open(path, 'wx', 0o600);
      try {
        await file.writeFile(JSON.stringify(holder));
      } finally {
        await file.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const stale = await abandoned(path, staleMs);
    if (stale) {
      await breakLock(path, stale.id);
      continue;
    }
    if (Date.now() > deadline) {
      const other = await readHolder(path);
      throw new Error(`another mcp-bridge (pid ${other?.pid ?? 'unknown'}) is still signing in; gave up waiting for ${path} after ${Math.round(waitMs / 1000)} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  // Touching the file tells other processes, also on other hosts, that the holder is alive.
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    // Only our own lock is removed: after a long stall another process may have broken it and taken it.
    if ((await readHolder(path))?.id === holder.id) await rm(path, { force: true });
  };
}
