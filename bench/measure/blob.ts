/**
 * Large results: a call returning a text of 1 MiB / 16 MiB (each call bounded by the 60 s of any call). Reports the call's time, the peak RSS
 * of the gateway's process tree (bridge + children; direct: the server) sampled every 20 ms, and
 * the growth of the gateway's own RSS over its level before the first call.
 */
import { record } from '../integrity.js';
import { rssBytes } from '../processTree.js';
import { sampleRss } from '../rssSampler.js';
import { median, since } from '../stats.js';
import { measuredPid, withSession, type Figure, type MeasureContext, type Measurement, type MeasurementOutput } from './types.js';

const MiB = 1024 * 1024;

async function oneSize(ctx: MeasureContext, bytes: number): Promise<{ figures: Figure[]; note: string }> {
  return withSession(ctx, async (session) => {
    await session.call('blob', { bytes: 1024 }); // warm-up: the session, its server and both JSON paths are up
    const pid = measuredPid(ctx, session);
    const baselineOwn = rssBytes(pid);
    const times: number[] = [];
    let peakTree = 0;
    let peakOwn = 0;
    for (let run = 0; run < ctx.counts.blobRuns; run++) {
      const sampler = sampleRss(pid);
      const start = performance.now();
      const result = await session.call('blob', { bytes });
      times.push(since(start));
      const peaks = await sampler.stop();
      peakTree = Math.max(peakTree, peaks.peakTreeBytes);
      peakOwn = Math.max(peakOwn, peaks.peakOwnBytes);
      const length = (result?.content[0] as { text?: string } | undefined)?.text?.length;
      if (result && length !== bytes) record(ctx.integrity, 'lost', `blob of ${bytes} bytes arrived with ${length} bytes`);
      // A gateway (a peer) that could not carry this size once will not the next time: no more 60 s waits.
      if (length !== bytes) break;
    }
    const size = `${bytes / MiB} MiB`;
    return {
      figures: [
        { key: `blob${bytes / MiB}MiBMs`, label: `${size} result, time (median)`, value: median(times), unit: 'ms' },
        { key: `blob${bytes / MiB}MiBPeakTreeMiB`, label: `${size} result, peak RSS of gateway tree (direct: server)`, value: peakTree / MiB, unit: 'MiB' },
        { key: `blob${bytes / MiB}MiBOwnGrowthMiB`, label: `${size} result, gateway's own RSS growth (direct: server's)`, value: (peakOwn - baselineOwn) / MiB, unit: 'MiB' },
      ],
      note: `${size}: ${times.map((t) => t.toFixed(0)).join(', ')} ms; own RSS ${(baselineOwn / MiB).toFixed(0)} → peak ${(peakOwn / MiB).toFixed(0)} MiB`,
    };
  });
}

export const blob: Measurement = {
  name: 'blob',
  async run(ctx): Promise<MeasurementOutput> {
    const figures: Figure[] = [];
    const notes: string[] = [];
    for (const bytes of ctx.counts.blobSizes) {
      const result = await oneSize(ctx, bytes);
      figures.push(...result.figures);
      notes.push(result.note);
    }
    return { figures, notes };
  },
};
