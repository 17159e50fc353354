// The idle timeout of something that is busy now and then (a session, a session's server process):
// activity only notes its time, and one timer checks it when it fires, so that no message moves a
// timer (a timer re-armed per message was a measurable share of a small call's cost).

/**
 * Calls `onIdle` once nothing happened for `idleMs` (default: never, with 0) while `busy()` was
 * false: touch() notes activity, and a check that finds the thing busy counts as activity. The
 * timer is unref'd, armed by start() and re-armed by itself until it calls `onIdle` or stop().
 */
export class IdleTimer {
  private timer: NodeJS.Timeout | undefined;
  private lastActive = performance.now();

  constructor(
    private readonly idleMs: number,
    private readonly busy: () => boolean,
    private readonly onIdle: () => void,
  ) {}

  /** performance.now() of the last activity. */
  get lastActiveAt(): number {
    return this.lastActive;
  }

  /** Notes activity now: the idle time counts from here. */
  touch(): void {
    this.lastActive = performance.now();
  }

  /** Arms the check, unless it is armed: due `idleMs` after the last activity. */
  start(): void {
    if (this.timer || this.idleMs <= 0) return;
    this.arm(this.idleMs - (performance.now() - this.lastActive));
  }

  /** Disarms the check (start() arms it again). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(delayMs: number): void {
    this.timer = setTimeout(() => this.check(), Math.max(1, Math.ceil(delayMs)));
    this.timer.unref();
  }

  private check(): void {
    this.timer = undefined;
    if (this.busy()) this.touch();
    const quietMs = performance.now() - this.lastActive;
    if (quietMs < this.idleMs) return this.arm(this.idleMs - quietMs);
    this.onIdle();
  }
}
