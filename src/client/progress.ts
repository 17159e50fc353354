// Progress notifications of one request: a cli-progress bar on a terminal, plain lines otherwise
// (a log file or a pipe gets one readable line per notification, never cursor movements).
import cliProgress from 'cli-progress';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';

/** Shows the progress of one request; stop() when it is answered. */
export interface ProgressView {
  update(progress: Progress): void;
  stop(): void;
}

/** A writable stream that may be a terminal (process.stderr is). */
export type MaybeTty = NodeJS.WritableStream & { isTTY?: boolean };

function describe(progress: Progress): string {
  const amount = progress.total !== undefined ? `${progress.progress}/${progress.total}` : String(progress.progress);
  return `${amount}${progress.message ? ` ${progress.message}` : ''}`;
}

/** One line per notification: `progress 3/10 message`. */
function lineView(stream: NodeJS.WritableStream, label: string): ProgressView {
  return {
    update: (progress) => void stream.write(`${label} progress ${describe(progress)}\n`),
    stop: () => {},
  };
}

/** A bar (or, without a total, a running count) redrawn in place on the terminal, left on screen when done. */
function barView(stream: NodeJS.WritableStream, label: string): ProgressView {
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(progress) {
      const message = progress.message ?? '';
      if (!bar) {
        const format = progress.total !== undefined ? `${label} [{bar}] {value}/{total} {message}` : `${label} {value} {message}`;
        bar = new cliProgress.SingleBar({ stream, format, hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
        bar.start(progress.total ?? 0, progress.progress, { message });
      }
      if (progress.total !== undefined) bar.setTotal(progress.total);
      bar.update(progress.progress, { message });
    },
    stop: () => bar?.stop(),
  };
}

/** A progress view on `stream` (default: stderr, so stdout carries only results), a bar when it is a terminal. */
export function progressView(label: string, stream: MaybeTty = process.stderr): ProgressView {
  return stream.isTTY ? barView(stream, label) : lineView(stream, label);
}
