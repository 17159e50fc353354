/**
 * Memory per idle session in per-session mode with hibernation (issue 18: "the per-session mode's children
 * parked by the reliability issue's hibernation, measured at 500 sessions"), for mcp-bridge's Streamable HTTP
 * per-session column. A gateway of its own runs with `hibernationFlags`; N sessions are opened a few at a time,
 * each initialized and listing its tools once, by a client that holds no stream between calls (as one-shot
 * clients; a held GET stream keeps a child alive). Once no child is left in the gateway's tree (polled, bounded),
 * the tree's RSS growth over its level with one parked session, divided by N. Then a few parked sessions make one
 * call each (each starts a child again; counted by the integrity counters), all are closed, and no child may be left.
 */
import { BenchSession } from '../clients.js';
import type { RunningGateway } from '../gateway.js';
import { descendants, treeRssBytes } from '../processTree.js';
import { since } from '../stats.js';
import { waitFor } from '../../test/helpers/wait.js';
import type { Figure, MeasureContext, MeasurementOutput } from './types.js';

const KiB = 1024;
const maxChildren = 8;
/**
 * Children are stopped after 1 s quiet (short enough to wait for at 500 sessions) and at most `maxChildren` run:
 * opening the sessions parks the least recently used quiet ones, the idle timeout parks the rest.
 */
export const hibernationFlags: readonly string[] = ['--childIdleTimeout', '1s', '--maxChildren', String(maxChildren)];
/** Sessions opened at once: half the bound, so that there is always a quiet child to park (none quiet: 503). */
const parallel = maxChildren / 2;
/** Parked sessions that each make one call afterwards, at once (within the bound). */
const revived = 4;
/** How long the children may take to be parked after the last session opened, or to be gone after the sessions closed. */
const settleTimeoutMs = 30_000;

/** Polls until `pid` has no child process left; false when some are still there after `settleTimeoutMs`. */
async function childless(pid: number): Promise<boolean> {
  return waitFor(() => descendants(pid).length === 0, { timeoutMs: settleTimeoutMs, intervalMs: 200, what: 'no child' }).then(
    () => true,
    () => false,
  );
}

/** Opens `count` sessions, `parallel` at a time, each listing its tools once; notes the most children seen alive between batches. */
async function openSessions(ctx: MeasureContext, url: string, count: number, sessions: BenchSession[]): Promise<number> {
  const endpoint = { transport: 'http' as const, url, client: 'raw' as const, standaloneStream: false };
  let mostChildren = 0;
  for (let i = 0; i < count; i += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - i) }, async () => {
      const session = await BenchSession.open(endpoint, ctx.newTag(), ctx.integrity);
      sessions.push(session);
      await session.client.listTools();
    });
    const failed = (await Promise.allSettled(batch)).find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    mostChildren = Math.max(mostChildren, descendants(ctx.gatewayPid!).length);
  }
  return mostChildren;
}

async function measure(ctx: MeasureContext, gateway: RunningGateway): Promise<MeasurementOutput> {
  const count = ctx.counts.hibernatedSessions;
  const sessions: BenchSession[] = [];
  const notes: string[] = [];
  const context = { ...ctx, gatewayPid: gateway.pid };
  try {
    // The baseline: one session opened and parked (the head start child taken and stopped), so N sessions' growth is theirs.
    await openSessions(context, gateway.url, 1, sessions);
    if (!(await childless(gateway.pid))) notes.push('the first session was not parked');
    const baseline = treeRssBytes(gateway.pid);
    const started = performance.now();
    const mostChildren = await openSessions(context, gateway.url, count, sessions);
    const opened = since(started);
    const parked = await childless(gateway.pid);
    const growth = treeRssBytes(gateway.pid) - baseline;
    notes.push(
      `${count} sessions opened in ${(opened / 1000).toFixed(1)} s (at most ${mostChildren} children seen, bound ${maxChildren}), ` +
        (parked ? `all parked ${(since(started) - opened).toFixed(0)} ms later` : `${descendants(gateway.pid).length} children still alive after ${settleTimeoutMs / 1000} s`),
    );
    // Parked sessions still answer: each call starts a child, which replays the session's initialize first.
    const revivedStart = performance.now();
    const answered = await Promise.all(sessions.slice(1, 1 + revived).map((session, i) => session.callWithToken('echo', i)));
    notes.push(`${answered.filter(Boolean).length} of ${answered.length} parked sessions answered a call in ${since(revivedStart).toFixed(0)} ms`);
    const label = `memory per idle session, per-session mode with hibernation (${count} sessions, children parked)`;
    const figures: Figure[] = [{ key: 'idleSessionHibernatedKiB', label, value: growth / count / KiB, unit: 'KiB' }];
    return { figures, notes };
  } finally {
    await Promise.allSettled(sessions.map((session) => session.close()));
    notes.push((await childless(gateway.pid)) ? 'no child left once the sessions closed' : `${descendants(gateway.pid).length} children left after the sessions closed`);
  }
}

/**
 * The hibernation figure for `ctx`'s column, or only a note: measured for mcp-bridge's `http per-session` column
 * (legacy SSE sessions always hold their stream, so their children are never parked); empty for other columns.
 */
export async function hibernatedSessions(ctx: MeasureContext): Promise<MeasurementOutput> {
  if (ctx.column === 'sse per-session') return { figures: [], notes: ['no hibernation: a legacy SSE session holds its stream'] };
  if (ctx.column !== 'http per-session') return { figures: [], notes: [] };
  let gateway: RunningGateway;
  try {
    gateway = await ctx.launch(hibernationFlags);
  } catch (error) {
    // A build from before --childIdleTimeout (--cli) refuses the flag: the figure is left out, the rest of the cell stands.
    return { figures: [], notes: [`hibernation not measured: ${(error as Error).message.split('\n')[0]!.slice(0, 200)}`] };
  }
  try {
    return await measure(ctx, gateway);
  } finally {
    await gateway.stop();
  }
}
