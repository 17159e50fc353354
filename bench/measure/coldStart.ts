/**
 * Cold start: from launching the process to the first tools/list answered. Through the gateway that
 * is spawning the gateway, waiting for it to listen, opening a session (which starts the server)
 * and listing tools; directly it is the client spawning the server and listing tools.
 */
import { BenchSession } from '../clients.js';
import { median, since } from '../stats.js';
import type { MeasureContext, Measurement, MeasurementOutput } from './types.js';

async function once(ctx: MeasureContext): Promise<number> {
  const start = performance.now();
  const gateway = ctx.endpoint.transport === 'direct' ? undefined : await ctx.launch();
  try {
    const endpoint = gateway ? { ...ctx.endpoint, url: gateway.url } : ctx.endpoint;
    const session = await BenchSession.open(endpoint, ctx.newTag(), ctx.integrity);
    try {
      await session.client.listTools();
      return since(start);
    } finally {
      await session.close();
    }
  } finally {
    await gateway?.stop();
  }
}

export const coldStart: Measurement = {
  name: 'coldStart',
  ownGateway: true,
  async run(ctx): Promise<MeasurementOutput> {
    const times: number[] = [];
    for (let run = 0; run < ctx.counts.coldStartRuns; run++) times.push(await once(ctx));
    return {
      figures: [{ key: 'coldStartMs', label: 'cold start to first tools/list (median)', value: median(times), unit: 'ms' }],
      notes: [`${times.length} runs: ${times.map((t) => t.toFixed(0)).join(', ')} ms`],
    };
  },
};
