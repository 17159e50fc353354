// npm run build:binary [-- --out FILE]: bundles the CLI into one CommonJS file (esbuild) and turns it into a single
// executable with Node's single executable applications support: a copy of this Node with the bundle injected (postject).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { parseArgs } from 'node:util';
import { build, transform } from 'esbuild';
import { inject } from 'postject';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = join(root, 'src', 'cli', 'main.ts');
/** The fuse Node looks for to know a blob was injected (Node's documentation gives this exact string). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const target = `node${process.versions.node}`;

/**
 * On Node 20 the executable's main script must be CommonJS, which has no top-level await; cli.ts awaits its
 * modules at the top (so Node's compile cache is on before they load). Its body goes into an async function:
 * the same order of evaluation, since an entry module exports nothing and its imports stay at the top.
 */
const topLevelAwaitInEntry = {
  name: 'top-level-await-in-entry',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]src[\\/]cli[\\/]main\.ts$/ }, async ({ path }) => {
      const { code } = await transform(readFileSync(path, 'utf8'), { loader: 'ts', format: 'esm', target });
      const lines = code.split('\n').filter((line) => !line.startsWith('#!'));
      if (lines.some((line) => line.startsWith('export '))) throw new Error(`${path} exports something: it cannot be wrapped`);
      const body = lines.findIndex((line) => !line.startsWith('import '));
      const contents = [...lines.slice(0, body), '(async () => {', ...lines.slice(body), '})();'].join('\n');
      return { contents, loader: 'js', resolveDir: dirname(path) };
    });
  },
};

/** Writes the whole CLI with its dependencies as one CommonJS file requiring only Node's builtins. */
async function bundle(outfile) {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    // ES module builds first: some packages' CommonJS builds (jsonc-parser's UMD) require their parts dynamically, which a bundle cannot follow.
    mainFields: ['module', 'main'],
    format: 'cjs',
    target,
    plugins: [topLevelAwaitInEntry],
    // No package.json beside the executable: the version is written in. import.meta (yargs reads its url) is
    // the executable's own file, which is what __filename is in a single executable.
    define: { MCP_BRIDGE_BUNDLED_VERSION: JSON.stringify(version), 'import.meta': 'importMeta' },
    banner: { js: 'var importMeta = { url: require("node:url").pathToFileURL(__filename).href };' },
    logLevel: 'warning',
  });
}

/** Copies this Node to `output` and injects the bundle as its main script. */
async function buildExecutable(bundleFile, work, output) {
  const blob = join(work, 'sea-prep.blob');
  const config = join(work, 'sea-config.json');
  writeFileSync(config, JSON.stringify({ main: bundleFile, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true }));
  execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });
  mkdirSync(dirname(output), { recursive: true });
  rmSync(output, { force: true });
  copyFileSync(process.execPath, output);
  chmodSync(output, 0o755);
  // macOS refuses a modified signed binary: drop the signature before and sign ad hoc after (not tested here).
  const macOS = process.platform === 'darwin';
  if (macOS) execFileSync('codesign', ['--remove-signature', output], { stdio: 'inherit' });
  await inject(output, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE, ...(macOS ? { machoSegmentName: 'NODE_SEA' } : {}) });
  if (macOS) execFileSync('codesign', ['--sign', '-', output], { stdio: 'inherit' });
}

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const output = resolve(values.out ?? join(root, 'dist-binary', process.platform === 'win32' ? 'mcp-bridge.exe' : 'mcp-bridge'));
const work = mkdtempSync(join(tmpdir(), 'mcp-bridge-binary-'));
try {
  const bundleFile = join(work, 'mcp-bridge.cjs');
  await bundle(bundleFile);
  await buildExecutable(bundleFile, work, output);
  process.stdout.write(`${output} (Node ${process.versions.node}, ${process.platform}-${process.arch})\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
