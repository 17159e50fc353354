// Part of `npm run build`, after tsc: bundles the CLI (src/cli/main.ts) with everything it loads, dependencies
// included, into dist/cli/main.js (the package's bin) with esbuild, so that a launch reads a few files instead of
// hundreds (cold start). Each dynamic import stays lazy: with `splitting` it becomes a chunk in dist/cli/chunks/,
// loaded only by the mode or flag that needs it. The launcher (src/cli/earlyLaunch.ts, the first thing main.ts
// loads) is bundled alone, as one file with what it needs, so that forward mode's server is spawned after one
// file is read instead of a dozen chunks (see build below).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { build } from 'esbuild';
import { dataApartPlugin } from './dataApart.mjs';
import { lazyModulesPlugin } from './lazyModules.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = join(root, 'dist', 'cli');
const { version, engines } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/**
 * Bundled CommonJS packages (express, winston, …) call require() for Node's builtins, which an ES module has not;
 * each output file gets its own, from its own URL (every chunk is a module of its own scope). __dirname is left
 * out: an ES module of yargs declares its own, and no bundled CommonJS package reads it on the paths we use.
 */
const commonJsShims = [
  "import { createRequire as __bundleCreateRequire } from 'node:module';",
  'const require = __bundleCreateRequire(import.meta.url);',
].join(' ');

// The chunks' names carry a hash: stale ones from an earlier build would ship beside the new ones. tsc's map of
// the main.js the bundle replaces would describe the wrong file.
rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
rmSync(join(outdir, 'main.js.map'), { force: true });

/** Where main.js finds the launcher, bundled alone (the package ships dist/cli/chunks/). */
const launcherPath = './chunks/launch.js';

/** In main.ts, the launcher's import is left to the file bundled alone instead of joining the chunks. */
const launcherApart = {
  name: 'launcher-apart',
  setup(builder) {
    builder.onResolve({ filter: /^\.\/earlyLaunch\.js$/ }, ({ importer }) =>
      importer === join(root, 'src', 'cli', 'main.ts') ? { path: launcherPath, external: true } : undefined,
    );
  },
};

/** What both bundles share: Node ESM for the oldest supported Node, the version written in. */
const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  // The oldest Node the package supports (engines: ">=20.19").
  target: `node${engines.node.replace(/^>=\s*/, '')}`,
  // ES module builds first: some packages' CommonJS builds (jsonc-parser's UMD) require their parts dynamically, which a bundle cannot follow.
  mainFields: ['module', 'main'],
  // The version is written in: version.ts would look for package.json relative to the chunk it ends up in.
  define: { MCP_BRIDGE_BUNDLED_VERSION: JSON.stringify(version) },
  banner: { js: commonJsShims },
  // No source maps: they would double the package's size; names are kept (nothing is minified), so stack traces still read.
  sourcemap: false,
  logLevel: 'warning',
};

// The launcher holds its own copy of the few modules it needs (the config, the child's spawn options); the held
// child they share with the rest lives in one slot per process (upstream/child/heldChild.ts).
await build({ ...common, entryPoints: [join(root, 'src', 'cli', 'earlyLaunch.ts')], outfile: join(outdir, launcherPath) });
const result = await build({
  ...common,
  entryPoints: { main: join(root, 'src', 'cli', 'main.ts') },
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  plugins: [launcherApart, lazyModulesPlugin(), dataApartPlugin(join(outdir, 'chunks'))],
  metafile: true,
});
if (process.argv.includes('--analyze')) process.stdout.write(await (await import('esbuild')).analyzeMetafile(result.metafile));
