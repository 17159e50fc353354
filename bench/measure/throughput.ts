/**
 * Throughput: S concurrent sessions each calling echo back to back, until a total number of calls or
 * a time limit is reached. Direct is one client and one server with S calls in flight (the
 * server reached directly cannot have sessions of its own). Also the CPU per call of the gateway's
 * (or floor's) own process, without its children.
 */
import type { BenchSession } from '../clients.js';
import { cpuMs } from '../processTree.js';
import { since } from '../stats.js';
import { withSessions, type Figure, type MeasureContext, type Measurement, type MeasurementOutput } from './types.js';

async function drive(sessions: readonly BenchSession[], concurrency: number, maxCalls: number, seconds: number): Promise<{ calls: number; ms: number }> {
  let issued = 0;
  let completed = 0;
  const deadline = Date.now() + seconds * 1000;
  const start = performance.now();
  const worker = async (session: BenchSession): Promise<void> => {
    while (issued < maxCalls && Date.now() < deadline) {
      const seq = issued++;
      if (await session.callWithToken('echo', seq)) completed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(sessions[i % sessions.length]!)));
  return { calls: completed, ms: since(start) };
}

async function atConcurrency(ctx: MeasureContext, concurrency: number): Promise<{ figures: Figure[]; note: string }> {
  const sessionCount = ctx.gatewayPid === undefined ? 1 : concurrency;
  return withSessions(ctx, sessionCount, async (sessions) => {
    // One call per session first, so that the timing covers calls only and not lazy setup.
    await Promise.all(sessions.map((session) => session.callWithToken('echo', -1)));
    const ownCpuBefore = ctx.gatewayPid === undefined ? 0 : cpuMs(ctx.gatewayPid);
    const { calls, ms } = await drive(sessions, concurrency, ctx.counts.throughputCalls, ctx.counts.throughputSeconds);
    const ownCpuUs = ctx.gatewayPid === undefined ? undefined : ((cpuMs(ctx.gatewayPid) - ownCpuBefore) * 1000) / Math.max(1, calls);
    return {
      figures: [
        { key: `throughput${concurrency}`, label: `throughput, ${concurrency} concurrent sessions`, value: (calls * 1000) / ms, unit: 'calls/s' },
        ...(ownCpuUs === undefined ? [] : [{ key: `throughput${concurrency}GatewayCpuUs`, label: `throughput, ${concurrency} sessions: gateway's own CPU per call`, value: ownCpuUs, unit: 'µs' as const }]),
      ],
      note: `${concurrency}: ${calls} calls in ${ms.toFixed(0)} ms over ${sessionCount} session(s)`,
    };
  });
}

export const throughput: Measurement = {
  name: 'throughput',
  async run(ctx): Promise<MeasurementOutput> {
    const figures: Figure[] = [];
    const notes: string[] = [];
    for (const concurrency of ctx.counts.throughputSessions) {
      const result = await atConcurrency(ctx, concurrency);
      figures.push(...result.figures);
      notes.push(result.note);
    }
    return { figures, notes };
  },
};
