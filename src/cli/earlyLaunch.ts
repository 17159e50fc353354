// The first thing a launch does (cold start): when the command line is plainly forward mode, its stdio server
// is spawned before yargs, winston and the HTTP stack load. main.ts then reads the flags as always and the
// mode adopts the child; on every other way out (a usage error, another mode, a signal that comes before the
// mode's own handlers) the child is stopped.
import { buildConfig, type BridgeConfig } from '../config/index.js';
import { releaseFirstChild, spawnFirstChild, stopFirstChild } from '../modes/forwardLaunch.js';
import { plainFlags } from './plainFlags.js';

const stoppingSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Until the mode handles signals, one stops the early child too (adopted or not), then ends this process as it would have. */
function stopOnSignal(signal: NodeJS.Signals): void {
  stopFirstChild();
  for (const name of stoppingSignals) process.removeListener(name, stopOnSignal);
  process.kill(process.pid, signal);
}

function configOf(args: readonly string[]): BridgeConfig | undefined {
  const raw = plainFlags(args);
  try {
    return raw && buildConfig(raw, process.env);
  } catch {
    // An invalid value: the usual parse reports it, and no child was spawned.
    return undefined;
  }
}

/** Spawns forward mode's first child now when `args` (argv without node and the script) plainly ask for it. */
export function spawnEarly(args: readonly string[]): void {
  const config = configOf(args);
  if (!config || !spawnFirstChild(config)) return;
  // Every exit (usage errors, failed starts) stops a child nobody adopted; an adopted one is its mode's.
  process.on('exit', () => void releaseFirstChild());
  for (const name of stoppingSignals) process.on(name, stopOnSignal);
}

/**
 * Call once the mode has started (its children adopt the early one) or is another mode: leaves signals to
 * the mode and stops the early child if nothing adopted it (SIGTERM, SIGKILL after `killGraceMs`, default 0: at once).
 */
export function settleEarly(killGraceMs = 0): void {
  for (const name of stoppingSignals) process.removeListener(name, stopOnSignal);
  void releaseFirstChild(killGraceMs);
}
