/**
 * Memory per idle session: the growth of the gateway's process tree RSS after opening N sessions
 * (initialized, one tools/list each), divided by N. A first session is opened before the baseline,
 * so a shared child started on first use is not charged to the N. Per-session mode starts a child
 * per session, so it uses a smaller N. Direct: the RSS of the one server process a direct client needs.
 * mcp-bridge's Streamable HTTP per-session column also measures N sessions whose children are parked by
 * hibernation, on a gateway of its own (bench/measure/hibernation.ts).
 */
import { rssBytes, treeRssBytes } from '../processTree.js';
import { hibernatedSessions } from './hibernation.js';
import { withSession, withSessions, type MeasureContext, type Measurement, type MeasurementOutput } from './types.js';

const KiB = 1024;

/** Every session alive: N sessions (direct: one server) on the column's gateway. */
async function allAlive(ctx: MeasureContext): Promise<MeasurementOutput> {
  if (ctx.gatewayPid === undefined) {
    return withSession(ctx, async (session) => {
      await session.client.listTools();
      const bytes = rssBytes(session.serverPid!);
      return {
        figures: [{ key: 'idleSessionKiB', label: 'memory per idle session', value: bytes / KiB, unit: 'KiB' }],
        notes: ['direct: the RSS of one server process (what each direct client costs)'],
      };
    });
  }
  const gatewayPid = ctx.gatewayPid;
  const count = ctx.mode === 'shared' ? ctx.counts.idleSessionsShared : ctx.counts.idleSessionsPerSession;
  return withSession(ctx, async (first) => {
    await first.client.listTools();
    const baselineTree = treeRssBytes(gatewayPid);
    const baselineOwn = rssBytes(gatewayPid);
    return withSessions(ctx, count, async (sessions) => {
      await Promise.all(sessions.map((session) => session.client.listTools()));
      const growth = treeRssBytes(gatewayPid) - baselineTree;
      const ownGrowth = rssBytes(gatewayPid) - baselineOwn;
      return {
        figures: [
          { key: 'idleSessionKiB', label: 'memory per idle session', value: growth / count / KiB, unit: 'KiB' },
          { key: 'idleSessionOwnKiB', label: "memory per idle session, gateway's own RSS", value: ownGrowth / count / KiB, unit: 'KiB' },
        ],
        notes: [`${count} sessions${ctx.mode === 'per-session' ? ' (per-session mode: each has its own child, so fewer sessions)' : ''}`],
      };
    });
  });
}

export const idleSessions: Measurement = {
  name: 'idleSessions',
  async run(ctx): Promise<MeasurementOutput> {
    const alive = await allAlive(ctx);
    const hibernated = await hibernatedSessions(ctx);
    return { figures: [...alive.figures, ...hibernated.figures], notes: [...alive.notes, ...hibernated.notes] };
  },
};
