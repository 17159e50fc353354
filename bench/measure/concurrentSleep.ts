/** Concurrency on one session: N concurrent `sleep` calls of M ms each; the wall time until all are answered. */
import { median, since } from '../stats.js';
import { withSession, type Measurement, type MeasurementOutput } from './types.js';

export const concurrentSleep: Measurement = {
  name: 'concurrentSleep',
  async run(ctx): Promise<MeasurementOutput> {
    const { sleepCalls, sleepMs, sleepRuns } = ctx.counts;
    return withSession(ctx, async (session) => {
      await session.callWithToken('sleep', -1, { ms: 0 });
      const walls: number[] = [];
      for (let run = 0; run < sleepRuns; run++) {
        const start = performance.now();
        await Promise.all(Array.from({ length: sleepCalls }, (_, i) => session.callWithToken('sleep', run * sleepCalls + i, { ms: sleepMs })));
        walls.push(since(start));
      }
      return {
        figures: [{ key: 'concurrentSleepMs', label: `${sleepCalls} concurrent ${sleepMs} ms sleeps, wall time (median)`, value: median(walls), unit: 'ms' }],
        notes: [`${sleepRuns} runs: ${walls.map((t) => t.toFixed(0)).join(', ')} ms`],
      };
    });
  },
};
