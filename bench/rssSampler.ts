/**
 * Samples the RSS of a process tree every ~20 ms from a worker thread, so that the sampling keeps
 * its pace while the main thread is busy parsing a large result. Reports the peaks when stopped.
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { descendants, rssBytes, treeRssBytes } from './processTree.js';

/** Peak RSS seen while sampling: of the whole tree and of the root process alone, in bytes. */
export interface RssPeaks {
  peakTreeBytes: number;
  peakOwnBytes: number;
  samples: number;
}

/** Starts sampling `pid`'s tree; `stop()` ends it and resolves with the peaks. */
export function sampleRss(pid: number, intervalMs = 20): { stop(): Promise<RssPeaks> } {
  const worker = new Worker(new URL(import.meta.url), { workerData: { pid, intervalMs } });
  const result = new Promise<RssPeaks>((resolve, reject) => {
    worker.once('message', (peaks: RssPeaks) => resolve(peaks));
    worker.once('error', reject);
  });
  return {
    stop: async () => {
      worker.postMessage('stop');
      const peaks = await result;
      await worker.terminate();
      return peaks;
    },
  };
}

function runSampler({ pid, intervalMs }: { pid: number; intervalMs: number }): void {
  const peaks: RssPeaks = { peakTreeBytes: 0, peakOwnBytes: 0, samples: 0 };
  let family = descendants(pid);
  const sample = (): void => {
    // Re-reading the process list is the costly part; children come and go slowly, so do it every 10th sample.
    if (peaks.samples % 10 === 9) family = descendants(pid);
    peaks.peakTreeBytes = Math.max(peaks.peakTreeBytes, treeRssBytes(pid, family));
    peaks.peakOwnBytes = Math.max(peaks.peakOwnBytes, rssBytes(pid));
    peaks.samples++;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  parentPort!.once('message', () => {
    clearInterval(timer);
    sample();
    parentPort!.postMessage(peaks);
  });
}

if (parentPort && (workerData as { pid?: number } | undefined)?.pid !== undefined) runSampler(workerData as { pid: number; intervalMs: number });
