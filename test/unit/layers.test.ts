// The layout's rules, checked on the source: nothing loose in src/, no import cycle, no import that
// points up a layer, and the heavy libraries each kept in their one place (README "Architecture").
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/paths.js';

const srcRoot = join(repoRoot, 'src');
const files = readdirSync(srcRoot, { recursive: true }).map(String).filter((file) => file.endsWith('.ts')).map((file) => file.split('\\').join('/'));
const specifier = /(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The imports of a source file: relative ones as src-relative paths, packages by name. */
function importsOf(file: string): { local: string[]; packages: string[] } {
  const text = readFileSync(join(srcRoot, file), 'utf8');
  const local: string[] = [];
  const packages: string[] = [];
  for (const match of text.matchAll(specifier)) {
    const spec = (match[1] ?? match[2])!;
    if (spec.startsWith('.')) local.push(posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.js$/, '.ts'));
    else packages.push(spec);
  }
  return { local, packages };
}

const graph = new Map(files.map((file) => [file, importsOf(file)]));
const top = (file: string): string => file.split('/')[0]!;

test('no source file sits directly in src/: each is in the folder of its concern', () => {
  assert.deepEqual(files.filter((file) => !file.includes('/')), []);
});

test('the source has no import cycle', () => {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
      return;
    }
    state.set(file, 'open');
    for (const next of graph.get(file)?.local ?? []) visit(next, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of files) visit(file, []);
  assert.deepEqual(cycles, []);
});

/** Which top-level folders each folder may import from (besides itself): the layers, lowest first. */
const allowed: Record<string, readonly string[]> = {
  shared: [],
  core: ['shared'],
  metrics: ['shared', 'core'],
  oauth: ['shared'],
  http: ['shared', 'core', 'downstream', 'metrics'],
  downstream: ['shared', 'core'],
  upstream: ['shared', 'core', 'oauth'],
  client: ['shared', 'core', 'upstream', 'oauth'],
  example: [],
  servers: ['shared', 'core', 'downstream', 'upstream', 'oauth', 'http'],
  combined: ['shared', 'core', 'upstream', 'servers'],
  cluster: ['shared', 'core', 'http'],
  config: ['shared', 'core', 'http', 'downstream', 'upstream', 'oauth', 'servers', 'client', 'combined', 'cluster'],
  modes: ['shared', 'core', 'http', 'downstream', 'upstream', 'oauth', 'metrics', 'config', 'servers', 'client', 'combined', 'cluster'],
  cli: ['shared', 'config', 'modes', 'core', 'cluster'],
};

test('no import points up a layer: components never import config/, modes/ or cli/, and downstream and upstream never import each other', () => {
  const upward: string[] = [];
  for (const [file, { local }] of graph) {
    for (const target of local) {
      if (top(target) !== top(file) && !(allowed[top(file)] ?? []).includes(top(target))) upward.push(`${file} -> ${target}`);
    }
  }
  assert.deepEqual(upward, []);
});

test('express and http-proxy-3 stay under http/, prom-client under metrics/, cli-progress under client/, ioredis and rate-limit-redis under cluster/, winston in shared/log.ts', () => {
  const misplaced: string[] = [];
  const homes: Record<string, (file: string) => boolean> = {
    express: (file) => top(file) === 'http',
    'http-proxy-3': (file) => top(file) === 'http',
    'prom-client': (file) => top(file) === 'metrics',
    'cli-progress': (file) => top(file) === 'client',
    ioredis: (file) => top(file) === 'cluster',
    'rate-limit-redis': (file) => top(file) === 'cluster',
    winston: (file) => file === 'shared/log.ts',
  };
  for (const [file, { packages }] of graph) {
    for (const name of packages) if (homes[name] && !homes[name](file)) misplaced.push(`${file} imports ${name}`);
  }
  assert.deepEqual(misplaced, []);
});

test('the Anthropic SDK is imported only by the chat mode: src/client/chat/ and src/modes/chat.ts', () => {
  const isChat = (file: string): boolean => file.startsWith('client/chat/') || file === 'modes/chat.ts';
  const misplaced = [...graph].flatMap(([file, { packages }]) =>
    packages.filter((name) => name === '@anthropic-ai/sdk' || name.startsWith('@anthropic-ai/sdk/')).filter(() => !isChat(file)).map((name) => `${file} imports ${name}`));
  assert.deepEqual(misplaced, []);
});

test('every source file opens with a header comment saying what it holds', () => {
  const bare = files.filter((file) => {
    const opening = readFileSync(join(srcRoot, file), 'utf8').replace(/^#!.*\n/, '').trimStart();
    return !opening.startsWith('//') && !opening.startsWith('/*');
  });
  assert.deepEqual(bare, [], `files without a header comment: ${bare.join(', ')}`);
});
