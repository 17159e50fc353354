// --rateLimit across a cluster with Redis: express-rate-limit's counts kept in Redis through
// rate-limit-redis, on the registry's connection; while Redis cannot be reached each replica counts
// in memory (the library's MemoryStore) and says so.
import type { Redis } from 'ioredis';
import { MemoryStore, type ClientRateLimitInfo, type IncrementResponse, type Options, type Store } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { LimitState } from './limitState.js';

/** After a failure, the Redis store's scripts are loaded again at most this often (1 s). */
const reloadEveryMs = 1000;

/** A rate-limit store counting in Redis (keys under `prefix`), falling back to memory while Redis is away. */
export class SharedRateLimitStore implements Store {
  private readonly memory = new MemoryStore();
  private readonly shared: RedisStore;
  private options: Options | undefined;
  private reloadedAt = 0;
  private loaded = false;

  constructor(
    redis: Redis,
    prefix: string,
    private readonly state: LimitState,
  ) {
    this.shared = new RedisStore({ sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>, prefix: `${prefix}rate:` });
  }

  init(options: Options): void {
    this.options = options;
    this.memory.init(options);
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    return this.either('rate limit', () => this.shared.get(key), () => this.memory.get(key));
  }

  async increment(key: string): Promise<IncrementResponse> {
    return this.either('rate limit', () => this.shared.increment(key), () => this.memory.increment(key));
  }

  async decrement(key: string): Promise<void> {
    await this.either('rate limit', () => this.shared.decrement(key), () => this.memory.decrement(key));
  }

  async resetKey(key: string): Promise<void> {
    await this.either('rate limit', () => this.shared.resetKey(key), () => this.memory.resetKey(key));
  }

  shutdown(): void {
    this.memory.shutdown();
  }

  /**
   * Runs `shared`, or `local` when Redis fails. The scripts load on the first command (once the
   * registry has connected), and after a failure again (at most once a second) with one retry.
   */
  private async either<T>(what: string, shared: () => Promise<T>, local: () => T | Promise<T>): Promise<T> {
    if (!this.loaded) this.load();
    try {
      return this.reached(await shared());
    } catch (error) {
      if (Date.now() - this.reloadedAt >= reloadEveryMs) {
        this.load();
        const retried = await shared().then((result) => ({ result }), () => undefined);
        if (retried) return this.reached(retried.result);
      }
      this.state.failed(what, error);
      return local();
    }
  }

  private reached<T>(result: T): T {
    this.state.reached();
    return result;
  }

  /** (Re)loads the Redis store's scripts; a load that fails shows on the next command, not as an unhandled rejection. */
  private load(): void {
    if (!this.options) return;
    this.loaded = true;
    this.reloadedAt = Date.now();
    void Promise.resolve(this.shared.init(this.options)).catch(() => undefined);
    const scripts = this.shared as unknown as { incrementScriptSha?: Promise<string>; getScriptSha?: Promise<string> };
    scripts.incrementScriptSha?.catch(() => undefined);
    scripts.getScriptSha?.catch(() => undefined);
  }
}
