// Module hooks of launchTrace.ts, run on Node's loader thread: each file of the CLI that loads is reported on
// stderr ("launch-trace file NAME"), and so is a module whose source names one of the heavy libraries' files
// (a chunk of the bundled CLI, with esbuild's path comments).
import { writeSync } from 'node:fs';

const heavy = ['yargs', 'winston', 'express', 'prom-client', '@modelcontextprotocol/sdk'];

type LoadResult = { source?: string | ArrayBuffer | Uint8Array | null };
type NextLoad = (url: string, context: unknown) => Promise<LoadResult>;

/** Loads `url` as usual, then names it and the heavy libraries its source holds. */
export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  if (url.startsWith('file:')) writeSync(2, `launch-trace file ${url.slice(url.lastIndexOf('/') + 1)}\n`);
  if (url.startsWith('file:') && result.source) {
    const text = typeof result.source === 'string' ? result.source : Buffer.from(result.source as Uint8Array).toString('utf8');
    for (const name of heavy) if (text.includes(`node_modules/${name}/`)) writeSync(2, `launch-trace load ${name}\n`);
  }
  return result;
}
