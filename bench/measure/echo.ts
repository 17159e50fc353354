/**
 * Echo latency: one session, sequential tools/call echo with a unique token each. Also reports the
 * CPU spent per call by the benchmark's own client and by the server side (the gateway's process
 * tree, or the server for direct), which tells whether the SDK client's cost dominates, and by the
 * gateway's (or floor's) own process alone, without its children (/proc/PID/stat utime + stime).
 */
import { cpuMs, treeCpuMs } from '../processTree.js';
import { percentile } from '../stats.js';
import { measuredPid, withSession, type Measurement, type MeasurementOutput } from './types.js';

const warmupCalls = 20;
const timeLimitMs = 120_000;

export const echo: Measurement = {
  name: 'echo',
  async run(ctx): Promise<MeasurementOutput> {
    return withSession(ctx, async (session) => {
      for (let i = 0; i < warmupCalls; i++) await session.callWithToken('echo', -1 - i);
      const pid = measuredPid(ctx, session);
      const serverCpu = (): number => (ctx.gatewayPid === undefined ? cpuMs(pid) : treeCpuMs(pid));
      const latencies: number[] = [];
      const deadline = Date.now() + timeLimitMs;
      const clientCpuBefore = process.cpuUsage();
      const serverCpuBefore = serverCpu();
      const ownCpuBefore = ctx.gatewayPid === undefined ? 0 : cpuMs(ctx.gatewayPid);
      for (let i = 0; i < ctx.counts.echoCalls && Date.now() < deadline; i++) {
        const start = performance.now();
        await session.callWithToken('echo', i);
        latencies.push(performance.now() - start);
      }
      const clientCpu = process.cpuUsage(clientCpuBefore);
      const ownCpu = ctx.gatewayPid === undefined ? undefined : cpuMs(ctx.gatewayPid) - ownCpuBefore;
      const perCallUs = (ms: number): number => (ms * 1000) / latencies.length;
      return {
        figures: [
          ...(ownCpu === undefined ? [] : [{ key: 'echoGatewayCpuUs', label: "echo: gateway's own CPU per call (no children)", value: perCallUs(ownCpu), unit: 'µs' as const }]),
          { key: 'echoP50Ms', label: 'echo latency p50', value: percentile(latencies, 50), unit: 'ms' },
          { key: 'echoP99Ms', label: 'echo latency p99', value: percentile(latencies, 99), unit: 'ms' },
          { key: 'echoClientCpuUs', label: 'echo: bench client CPU per call', value: perCallUs((clientCpu.user + clientCpu.system) / 1000), unit: 'µs' },
          { key: 'echoServerCpuUs', label: 'echo: gateway tree (direct: server) CPU per call', value: perCallUs(serverCpu() - serverCpuBefore), unit: 'µs' },
        ],
        notes: [`${latencies.length} calls after ${warmupCalls} warm-up calls`],
      };
    });
  },
};
