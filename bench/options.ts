/** Command-line options of `npm run bench` and the counts each measurement uses (full run or --quick). */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { ClientKind } from './clients.js';
import { defaultCli } from './gateway.js';

/** How much work each measurement does; every loop is bounded by these counts and by time. */
export interface Counts {
  coldStartRuns: number;
  echoCalls: number;
  throughputCalls: number;
  throughputSeconds: number;
  throughputSessions: readonly number[];
  sleepCalls: number;
  sleepMs: number;
  sleepRuns: number;
  blobSizes: readonly number[];
  blobRuns: number;
  idleSessionsShared: number;
  idleSessionsPerSession: number;
  /** Per-session mode with hibernation (bench/measure/hibernation.ts): sessions opened, whose children are then parked. */
  hibernatedSessions: number;
  progressCount: number;
}

const MiB = 1024 * 1024;

export const fullCounts: Counts = {
  coldStartRuns: 5,
  echoCalls: 1000,
  throughputCalls: 2000,
  throughputSeconds: 10,
  throughputSessions: [8, 64],
  sleepCalls: 100,
  sleepMs: 50,
  sleepRuns: 3,
  blobSizes: [MiB, 16 * MiB],
  blobRuns: 3,
  idleSessionsShared: 500,
  idleSessionsPerSession: 50,
  hibernatedSessions: 500,
  progressCount: 1000,
};

export const quickCounts: Counts = {
  coldStartRuns: 1,
  echoCalls: 100,
  throughputCalls: 200,
  throughputSeconds: 3,
  throughputSessions: [8],
  sleepCalls: 20,
  sleepMs: 50,
  sleepRuns: 1,
  blobSizes: [MiB],
  blobRuns: 1,
  idleSessionsShared: 20,
  idleSessionsPerSession: 5,
  hibernatedSessions: 20,
  progressCount: 100,
};

export interface BenchOptions {
  quick: boolean;
  /** Names of the measurements to run (default: all). */
  only: string[] | undefined;
  /** Where the JSON results go (default bench/results/latest.json). */
  out: string;
  /** The built CLI to benchmark (default: this checkout's dist/cli/main.js). */
  cli: string;
  /** Transports under the SDK Client: minimal stdio and node:http ones ('raw', default) or the SDK's own ('sdk'). */
  client: ClientKind;
  /** Whether the peers' columns (bench/peers.ts) are measured: by default in a full run, not with --quick. */
  peers: boolean;
  /** Names of the columns to measure (default: all, peers as `peers` says). */
  columns: string[] | undefined;
  counts: Counts;
}

/**
 * Parses argv (after `npm run bench --`): --quick, --only a,b (repeatable), --out FILE, --client sdk|raw, --cli PATH,
 * --peers / --no-peers (default: peers in a full run only), --columns 'direct,sse shared,…' (repeatable).
 */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      out: { type: 'string', default: 'bench/results/latest.json' },
      client: { type: 'string', default: 'raw' },
      cli: { type: 'string', default: defaultCli },
      peers: { type: 'boolean' },
      columns: { type: 'string', multiple: true },
    },
    strict: true,
    allowNegative: true,
  });
  const list = (values: string[] | undefined): string[] | undefined => values?.flatMap((value) => value.split(',')).map((name) => name.trim()).filter(Boolean);
  const only = list(values.only);
  if (values.client !== 'sdk' && values.client !== 'raw') throw new Error(`--client must be sdk or raw, not ${values.client}`);
  const peers = values.peers ?? !values.quick;
  return { quick: values.quick, only, out: values.out, client: values.client, cli: resolve(values.cli), peers, columns: list(values.columns), counts: values.quick ? quickCounts : fullCounts };
}
