/** Progress: one call that sends N progress notifications before answering; all must arrive, in order. */
import { record } from '../integrity.js';
import { since } from '../stats.js';
import { withSession, type Measurement, type MeasurementOutput } from './types.js';

export const progress: Measurement = {
  name: 'progress',
  // The floor drops server notifications, so every progress would count as lost.
  floor: false,
  async run(ctx): Promise<MeasurementOutput> {
    const count = ctx.counts.progressCount;
    return withSession(ctx, async (session) => {
      const token = `${session.tag}/progress`;
      const start = performance.now();
      await session.call('progress', { count, token }, { progressToken: token });
      const ms = since(start);
      const received = session.progress.get(token) ?? [];
      const outOfOrder = received.filter((value, i) => value !== i + 1).length;
      const distinct = new Set(received).size;
      for (let i = distinct; i < count; i++) record(ctx.integrity, 'lost', `progress ${i + 1 - distinct} of ${count - distinct} missing`);
      for (let i = distinct; i < received.length; i++) record(ctx.integrity, 'duplicates', 'a progress notification arrived twice');
      return {
        figures: [
          { key: 'progressMs', label: `${count} progress notifications in one call, time`, value: ms, unit: 'ms' },
          { key: 'progressOutOfOrder', label: 'progress notifications out of order', value: outOfOrder, unit: 'count' },
        ],
        notes: [`${received.length} of ${count} notifications received`],
      };
    });
  },
};
