import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file holding package.json. */
export const repoRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
})();

/** The built CLI (`npm run build` writes it). */
export const cliPath = join(repoRoot, 'dist', 'cli', 'main.js');

/** The compiled path of a fixture in test/fixtures (`npm run build:test` writes it). */
export function fixturePath(name: string): string {
  return resolve(repoRoot, 'build-test', 'test', 'fixtures', `${name}.js`);
}

/** A `--stdio` command line that runs a compiled fixture with this Node. */
export function fixtureCommand(name: string, ...args: string[]): string {
  return [process.execPath, fixturePath(name), ...args].map((part) => JSON.stringify(part)).join(' ');
}
