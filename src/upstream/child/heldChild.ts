// How a stdio server's process is spawned (the one place its spawn options are set), and the child spawned at
// launch, before the modules of the mode that serves it have loaded (cold start): held, with everything it
// says and does kept in order, until the first transport spawning the same command adopts it.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import { childEnvironment } from './childEnv.js';
import type { ChildCommand } from './options.js';

/** Everything a child is spawned with: its command's argv, shell and working directory, and its whole environment. */
export interface SpawnSpec extends Pick<ChildCommand, 'command' | 'args' | 'shell' | 'cwd'> {
  /** The whole environment (ChildCommand's `env` only adds to it). */
  readonly env: Readonly<Record<string, string>>;
}

/** What `child` is spawned with, its environment built from `sourceEnv` (see childEnvironment). */
export function spawnSpec(child: ChildCommand, sourceEnv: NodeJS.ProcessEnv): SpawnSpec {
  const { command, args, shell, cwd, env, passEnv } = child;
  return { command, args, shell, cwd, env: childEnvironment(sourceEnv, passEnv, env) };
}

/** Spawns a stdio server: no shell unless asked, piped stdio, and its own process group, so a kill reaches grandchildren (npx → node, sh → server). */
export function spawnServerProcess(spec: SpawnSpec): ChildProcessWithoutNullStreams {
  const { command, args, shell, cwd, env } = spec;
  return spawn(command, [...args], { cwd, env: { ...env }, shell, detached: true, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
}

/** The events a StdioChildTransport listens to, by the emitter they come from. */
const heldEvents = { process: ['spawn', 'error', 'exit', 'close'], stdout: ['data'], stderr: ['data'] } as const;
type Source = keyof typeof heldEvents;

/**
 * A child spawned ahead of its transport. Node discards the output of a child nobody reads once it exits,
 * and a 'spawn' event comes only once: so every event is recorded, and replayed to the transport in order.
 */
export class HeldChild {
  private readonly events: { source: Source; event: string; args: unknown[] }[] = [];
  private readonly recorders: { source: Source; event: string; listener: (...args: unknown[]) => void }[] = [];

  constructor(
    readonly spec: SpawnSpec,
    readonly process: ChildProcessWithoutNullStreams,
  ) {
    for (const [source, events] of Object.entries(heldEvents) as [Source, readonly string[]][]) {
      for (const event of events) {
        const listener = (...args: unknown[]): void => void this.events.push({ source, event, args });
        this.emitter(source).on(event, listener);
        this.recorders.push({ source, event, listener });
      }
    }
  }

  /** Call once the transport's listeners are attached: stops recording and passes on what happened so far, in order. */
  replay(): void {
    for (const { source, event, listener } of this.recorders) this.emitter(source).removeListener(event, listener);
    for (const { source, event, args } of this.events.splice(0)) this.emitter(source).emit(event, ...args);
  }

  /** Sends `signal` to the child's process group (grandchildren included), if there is one. */
  signal(signal: NodeJS.Signals): void {
    const pid = this.process.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  }

  private emitter(source: Source): EventEmitter {
    return source === 'process' ? this.process : this.process[source];
  }
}

/** The child held at launch and its state: one per process. */
interface LaunchSlot {
  /** The child held now, until adopted or released. */
  held?: HeldChild;
  /** The child spawned at launch, adopted or not, until released: what a signal during the start must stop. */
  launched?: HeldChild;
}

// One slot per process, not per copy of this module: the CLI's launcher (cli/earlyLaunch.ts) is bundled
// alone, so that it loads as one file (cold start), and so holds a copy of this module of its own.
const slotKey = Symbol.for('mcp-bridge.heldChild');
const slot: LaunchSlot = ((globalThis as { [slotKey]?: LaunchSlot })[slotKey] ??= {});

/** Spawns the child of `spec` now and holds it for the first transport that spawns the same (see adoptHeldChild). */
export function holdChild(spec: SpawnSpec): HeldChild {
  const child = new HeldChild(spec, spawnServerProcess(spec));
  slot.held = slot.launched = child;
  return child;
}

/** Sends `signal` to the child spawned at launch, whether a transport has adopted it or not (until released). */
export function signalLaunchedChild(signal: NodeJS.Signals): void {
  slot.launched?.signal(signal);
}

/** The held child if it was spawned with exactly `spec` (then it is no longer held), else undefined. */
export function adoptHeldChild(spec: SpawnSpec): HeldChild | undefined {
  const adopted = slot.held;
  if (!adopted || !isDeepStrictEqual(adopted.spec, spec)) return undefined;
  slot.held = undefined;
  return adopted;
}

/**
 * Stops a child still held, nobody having adopted it: SIGTERM to its process group, SIGKILL after
 * `killGraceMs` (default 0: at once, for a process about to exit); resolves once it has exited.
 */
export async function releaseHeldChild(killGraceMs = 0): Promise<void> {
  const child = slot.held;
  slot.held = slot.launched = undefined;
  if (!child) return;
  // Its leader may have ended by itself: what it started is still in its group.
  if (child.process.exitCode !== null || child.process.signalCode !== null) return child.signal('SIGKILL');
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.signal(killGraceMs > 0 ? 'SIGTERM' : 'SIGKILL');
  const killer = setTimeout(() => child.signal('SIGKILL'), killGraceMs);
  killer.unref();
  await exited;
  clearTimeout(killer);
}
