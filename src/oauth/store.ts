// The on-disk OAuth store: tokens and client registrations per server, written atomically with
// private permissions.
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredOAuthClientInformation, StoredOAuthTokens } from '@modelcontextprotocol/client';
import type { Logger } from '../shared/log.js';
import { acquireLock, type LockOptions } from './lock.js';

export { defaultAuthDir } from './authDir.js';

/** Tokens as stored: the authorization server's answer (with the SDK's `issuer` stamp) and when the access token expires. */
export type StoredTokens = StoredOAuthTokens & {
  /** Expiry of the access token in seconds since the epoch, computed from `expires_in` when saved; absent when unknown. */
  expires_at?: number;
};

const TOKENS = 'tokens.json';
const LOCK = 'lock';

/**
 * The file of the client registration at one authorization server: client IDs are unique to the
 * server that issued them (RFC 6749 §2.2), so a server that moves to another authorization server
 * gets a registration there, and never presents the old one's client_id to it (SEP-2352).
 */
export function clientFileName(issuer: string): string {
  return `client-${createHash('sha256').update(issuer).digest('hex').slice(0, 16)}.json`;
}

/**
 * The directory of one server under `authDir`: its host and port for people reading the folder,
 * and a hash of the whole URL (path and query too) so that two servers on one host never share.
 */
export function serverDir(serverUrl: string, authDir: string): string {
  const url = new URL(serverUrl);
  url.hash = '';
  const digest = createHash('sha256').update(url.href).digest('hex').slice(0, 16);
  const host = `${url.hostname}${url.port ? '_' + url.port : ''}`.replace(/[^A-Za-z0-9.-]/g, '_');
  return join(authDir, `${host}-${digest}`);
}

/** Forgets everything stored for `serverUrl` (tokens, client registration); true when there was something. */
export async function logout(serverUrl: string, authDir: string): Promise<boolean> {
  const dir = serverDir(serverUrl, authDir);
  try {
    await rm(dir, { recursive: true });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * What is stored for one server: tokens.json and one client-<hash of issuer>.json per authorization server in a 0700 directory, files 0600,
 * written atomically, plus the lock file that serializes sign-ins across processes. Every read goes
 * to the disk, so a sign-in finished by another mcp-bridge process is seen at once.
 */
export class OAuthStore {
  /** This server's directory. */
  readonly dir: string;
  // Files already reported as corrupt, so that a bad file is reported once, not on every request.
  private readonly reported = new Set<string>();
  private ready: Promise<void> | undefined;

  constructor(
    serverUrl: string,
    authDir: string,
    private readonly log: Logger,
  ) {
    this.dir = serverDir(serverUrl, authDir);
  }

  /** The stored tokens, or undefined when there are none (or the file is unreadable). */
  async readTokens(): Promise<StoredTokens | undefined> {
    const value = await this.read(TOKENS);
    if (value === undefined) return undefined;
    if (typeof value.access_token !== 'string' || typeof value.token_type !== 'string') return this.corrupt(TOKENS, 'it holds no access token');
    return value as StoredTokens;
  }

  /** Stores tokens as received, adding `expires_at` from `expires_in`; resolves to what was stored. */
  async saveTokens(tokens: StoredOAuthTokens): Promise<StoredTokens> {
    const stored: StoredTokens = { ...tokens };
    if (typeof tokens.expires_in === 'number') stored.expires_at = Math.floor(Date.now() / 1000) + tokens.expires_in;
    else delete stored.expires_at;
    await this.write(TOKENS, stored);
    return stored;
  }

  /** Forgets the tokens. */
  async clearTokens(): Promise<void> {
    await rm(join(this.dir, TOKENS), { force: true });
  }

  /** The client registration (dynamic or URL-based) stored for the authorization server `issuer`, or undefined. */
  async readClient(issuer: string): Promise<StoredOAuthClientInformation | undefined> {
    const name = clientFileName(issuer);
    const value = await this.read(name);
    if (value === undefined) return undefined;
    if (typeof value.client_id !== 'string') return this.corrupt(name, 'it holds no client_id');
    return value as StoredOAuthClientInformation;
  }

  /** Stores a client registration for the authorization server `issuer`, unchanged. */
  async saveClient(issuer: string, client: StoredOAuthClientInformation): Promise<void> {
    await this.write(clientFileName(issuer), client);
  }

  /** Forgets the client registration at the authorization server `issuer`. */
  async clearClient(issuer: string): Promise<void> {
    await rm(join(this.dir, clientFileName(issuer)), { force: true });
  }

  /** Takes this server's cross-process lock (see lock.ts); resolves to its release. */
  async lock(options?: LockOptions): Promise<() => Promise<void>> {
    await this.ensureDir();
    return acquireLock(join(this.dir, LOCK), options);
  }

  private ensureDir(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      // mkdir leaves an existing directory's mode alone; tokens must not be readable by others.
      await chmod(this.dir, 0o700);
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async read(name: string): Promise<Record<string, unknown> | undefined> {
    let text: string;
    try {
      text = await readFile(join(this.dir, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      this.log.warn(`cannot read the stored OAuth ${name}; treating it as absent`, { file: join(this.dir, name), error: (error as Error).message });
      return undefined;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return this.corrupt(name, 'it is not valid JSON');
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return this.corrupt(name, 'it is not a JSON object');
    this.reported.delete(name);
    return value as Record<string, unknown>;
  }

  private corrupt(name: string, why: string): undefined {
    if (!this.reported.has(name)) {
      this.reported.add(name);
      // Never the content: it may hold a token.
      this.log.warn(`the stored OAuth ${name} is corrupt (${why}); ignoring it, and signing in again if needed`, { file: join(this.dir, name) });
    }
    return undefined;
  }

  private async write(name: string, value: unknown): Promise<void> {
    await this.ensureDir();
    const path = join(this.dir, name);
    const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const file = await open(temp, 'wx', 0o600);
    try {
      await file.writeFile(JSON.stringify(value, null, 2) + '\n');
      await file.sync();
    } finally {
      await file.close();
    }
    // rename replaces the old file in one step: a reader sees the old content or the new, never half.
    await rename(temp, path).catch(async (error: unknown) => {
      await rm(temp, { force: true });
      throw error;
    });
    this.reported.delete(name);
  }
}
