// Preloaded into an mcp-bridge under test (`node --import …/launchTrace.js main.js …`): writes
// "launch-trace spawned PID" to stderr when the process spawns one, and, through the module hooks of
// launchTraceHooks.ts, "launch-trace load NAME" when a module holding one of the heavy libraries loads.
import { writeSync } from 'node:fs';
import module from 'node:module';
import type { ChildProcess } from 'node:child_process';

const childProcess = module.createRequire(import.meta.url)('node:child_process') as { spawn: (...args: unknown[]) => ChildProcess };
const spawn = childProcess.spawn;
childProcess.spawn = (...args: unknown[]): ChildProcess => {
  const child = spawn(...args);
  writeSync(2, `launch-trace spawned ${child.pid ?? 'none'}\n`);
  return child;
};
// ES modules importing { spawn } from node:child_process see the wrapper too.
module.syncBuiltinESMExports();
module.register('./launchTraceHooks.js', import.meta.url);
