// An esbuild plugin for the CLI's bundle (scripts/bundle.mjs): a few CommonJS modules that dependencies require at
// load time but use rarely, or never on forward mode's way to its first answer, are evaluated on first use instead
// (cold start). Each required name is replaced by a stand-in that requires the real module the first time one of
// its properties is read, or it is called or constructed; the real module is still in the bundle, unchanged.
import { relative } from 'node:path';
import process from 'node:process';

/**
 * The modules made lazy, with why each may wait:
 * - mime-types builds its tables from mime-db's 2,400 types when it loads (about 10 ms of CPU); express reads it
 *   only to set a Content-Type by name (res.json, res.type: /healthz, /readyz, /metrics), not on the MCP routes;
 * - prom-client's Pushgateway and AggregatorRegistry load https, tls and cluster, and mcp-bridge uses neither;
 * - @so-ric/colorspace (with color and color-convert, which builds its conversion routes at load) colours the
 *   namespaces of winston's own debug output (@dabh/diagnostics), which is off unless DEBUG asks for it.
 */
export const lazyModules = [
  { name: 'mime-types', filter: /^mime-types$/ },
  { name: '@so-ric/colorspace', filter: /^@so-ric\/colorspace$/ },
  { name: 'prom-client (Pushgateway, AggregatorRegistry)', filter: /^\.\/lib\/(pushgateway|cluster)$/, importer: /[\\/]node_modules[\\/]prom-client[\\/]index\.js$/ },
];

/** The stand-in for `path`: a proxy that requires it on first use and passes every operation on to it. */
function standIn(path) {
  return `let real;
const load = () => (real ??= require(${JSON.stringify(path)}));
const fixedKeys = (target) => Reflect.ownKeys(target).filter((key) => !Reflect.getOwnPropertyDescriptor(target, key).configurable);
module.exports = new Proxy(function lazy() {}, {
  get: (_target, key) => load()[key],
  set: (_target, key, value) => Reflect.set(load(), key, value),
  has: (_target, key) => key in load(),
  // A proxy must report its target's fixed properties (a function's prototype; arguments and caller when sloppy) as they are.
  ownKeys: (target) => [...new Set([...Reflect.ownKeys(load()), ...fixedKeys(target)])],
  getOwnPropertyDescriptor: (target, key) => {
    if (fixedKeys(target).includes(key)) return Reflect.getOwnPropertyDescriptor(target, key);
    const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
    return descriptor && { ...descriptor, configurable: true };
  },
  apply: (_target, self, args) => Reflect.apply(load(), self, args),
  construct: (_target, args, newTarget) => Reflect.construct(load(), args, newTarget === module.exports ? load() : newTarget),
});
`;
}

/** The plugin: each rule's requires get the stand-in; the stand-in's own require resolves as usual. */
export function lazyModulesPlugin(rules = lazyModules) {
  return {
    name: 'lazy-modules',
    setup(builder) {
      for (const { filter, importer } of rules) {
        builder.onResolve({ filter }, (args) => {
          if (args.namespace === 'lazy' || (importer && !importer.test(args.importer))) return undefined;
          // One stand-in per directory asking: each resolves the module as its requirer would have.
          return { path: `${args.path} (lazy, from ${relative(process.cwd(), args.resolveDir)})`, namespace: 'lazy', pluginData: { request: args.path, resolveDir: args.resolveDir } };
        });
      }
      builder.onLoad({ filter: /.*/, namespace: 'lazy' }, ({ pluginData }) => ({ contents: standIn(pluginData.request), resolveDir: pluginData.resolveDir, loader: 'js' }));
    },
  };
}
