// Whether a stdio server's command can be run at all: a path to an executable file, or a name found
// on the PATH the child will get. Checked at start so that a typo fails at once, not in every session.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { ChildCommand } from './options.js';

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The file `command` runs, or undefined when there is none: a command with a `/` is taken relative
 * to the child's `cwd` (default: ours), a bare name is looked up on the child's PATH (its `--env PATH=…`, else ours).
 * A `--shell` command line is not checked (the shell decides what it runs).
 */
export function resolveCommand(child: Pick<ChildCommand, 'command' | 'shell' | 'cwd' | 'env'>, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (child.shell) return child.command;
  const base = child.cwd ?? process.cwd();
  if (child.command.includes('/')) {
    const path = isAbsolute(child.command) ? child.command : resolve(base, child.command);
    return isExecutableFile(path) ? path : undefined;
  }
  const dirs = (child.env.PATH ?? env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of dirs) {
    const path = join(isAbsolute(dir) ? dir : resolve(base, dir), child.command);
    if (isExecutableFile(path)) return path;
  }
  return undefined;
}
