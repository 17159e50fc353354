/**
 * The npm package as it is shipped: packed, installed from the tarball with production dependencies only into a
 * temporary prefix (as `npx` and `npm install -g` do), and run through its bin from another project's directory.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { repoRoot } from '../helpers/paths.js';
import { shippedSuite, type Shipped } from '../helpers/shipped.js';

/** How the package is installed, here and in the Dockerfile's final stage. */
const INSTALL_FLAGS = ['--global', '--omit=dev', '--no-audit', '--no-fund'];

function npm(args: string[], cwd: string): string {
  const result = spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 150_000 });
  assert.equal(result.status, 0, `npm ${args.join(' ')}: ${result.error?.message ?? result.stderr}`);
  return result.stdout;
}

describe('the npm package, installed from its tarball with production dependencies only', () => {
  let temp = '';
  let installed = '';
  let shipped: Shipped;

  before(() => {
    temp = mkdtempSync(join(tmpdir(), 'mcp-bridge-package-'));
    // --ignore-scripts: prepack would rebuild dist/ while other test files run it (npm test has just built it).
    const [{ filename }] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', temp], repoRoot)) as [{ filename: string }];
    const prefix = join(temp, 'prefix');
    npm(['install', ...INSTALL_FLAGS, '--prefer-offline', '--prefix', prefix, join(temp, filename)], temp);
    installed = join(prefix, 'lib', 'node_modules', 'mcp-bridge');
    // Someone else's project: yargs would have printed its version.
    const project = join(temp, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'someone-elses-project', version: '9.9.9' }));
    // The bin runs through its shebang (#!/usr/bin/env node), so it needs a node on PATH, as on users' machines.
    const launcher = { command: join(prefix, 'bin', 'mcp-bridge'), args: [], cwd: project, env: { PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}` } };
    shipped = { launcher, exampleServer: join(installed, 'dist', 'example', 'server.js') };
  });

  after(() => rmSync(temp, { recursive: true, force: true }));

  shippedSuite(() => shipped);

  test('holds dist/ (with the CLI and the example server), README, LICENSE and package.json, nothing else', () => {
    assert.deepEqual(readdirSync(installed).filter((entry) => entry !== 'node_modules').sort(), ['LICENSE', 'README.md', 'dist', 'package.json']);
    for (const file of [join('cli', 'main.js'), join('example', 'server.js')]) assert.ok(existsSync(join(installed, 'dist', file)), file);
  });

  test('runs no install scripts on its users\' machines and names its repository, license and Node versions', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<string, unknown> & { scripts?: Record<string, string> };
    for (const script of ['preinstall', 'install', 'postinstall']) assert.equal(manifest.scripts?.[script], undefined, script);
    for (const field of ['description', 'keywords', 'repository', 'homepage', 'bugs', 'license', 'engines']) assert.ok(manifest[field], field);
  });

  test('every module of it loads with production dependencies only (also those loaded only for some flags)', () => {
    const modules = readdirSync(join(installed, 'dist'), { recursive: true }).map(String)
      // cli/main.js and the example server run when loaded: the tests above run them.
      .filter((file) => file.endsWith('.js') && file !== join('cli', 'main.js') && !file.startsWith('example'))
      .map((file) => pathToFileURL(join(installed, 'dist', file)).href);
    assert.ok(modules.length > 50, `${modules.length} modules`);
    const env = { ...process.env, NODE_PATH: undefined };
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', `for (const url of ${JSON.stringify(modules)}) await import(url);`], {
      cwd: shipped.launcher.cwd, env, encoding: 'utf8', timeout: 60_000,
    });
    assert.equal(result.status, 0, result.stderr);
  });

  test('the Dockerfile installs the packed tarball the same way, runs as a non-root user and checks /healthz', () => {
    const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    assert.match(dockerfile, /npm pack --ignore-scripts/);
    assert.ok(finalStage.includes(`npm install ${INSTALL_FLAGS.join(' ')} `), 'the final stage installs the tarball with the same flags');
    assert.match(finalStage, /^USER (?!root\b|0\b)\S+/m);
    assert.match(finalStage, /^HEALTHCHECK [^]*\/healthz/m);
    assert.match(finalStage, /^ENTRYPOINT \["mcp-bridge"/m);
  });
});
