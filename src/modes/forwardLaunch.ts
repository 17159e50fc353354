// Forward mode's first step, taken before the rest of the CLI loads (cold start): the stdio server that the
// launch starts at once (the head start, the first prespawned or the first shared child) is spawned now and
// held; the child that would have spawned it adopts it once the mode has loaded (upstream/child/heldChild.ts).
import type { BridgeConfig } from '../config/index.js';
import { holdChild, releaseHeldChild, signalLaunchedChild, spawnSpec } from '../upstream/child/heldChild.js';
import { resolveCommand } from '../upstream/child/executable.js';

/** True when `config` is forward mode serving here (no --workers primary) and starts a child at launch. */
function startsChildAtLaunch(config: BridgeConfig): config is Extract<BridgeConfig, { mode: 'forward' }> {
  if (config.mode !== 'forward' || (config.cluster?.workers ?? 1) > 1) return false;
  const { sessionMode, prespawn, headStart } = config.children;
  return sessionMode === 'shared' || prespawn > 0 || headStart;
}

/**
 * Spawns and holds the first child of `config` when its launch starts one at once and its command
 * resolves (a command that cannot run is left to the usual check and its error); returns whether it did.
 */
export function spawnFirstChild(config: BridgeConfig): boolean {
  if (!startsChildAtLaunch(config) || resolveCommand(config.child) === undefined) return false;
  holdChild(spawnSpec(config.child, process.env));
  return true;
}

/**
 * Stops the child spawned at launch if nothing adopted it (its command or mode turned out otherwise):
 * SIGTERM, then SIGKILL after `killGraceMs` (default 0: SIGKILL at once, for a process about to exit).
 */
export function releaseFirstChild(killGraceMs = 0): Promise<void> {
  return releaseHeldChild(killGraceMs);
}

/** Until released, a signal that stops the gateway during its start stops the child spawned at launch too (SIGTERM), adopted or not. */
export function stopFirstChild(): void {
  signalLaunchedChild('SIGTERM');
}
