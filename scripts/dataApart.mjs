// An esbuild plugin for the CLI's bundle (scripts/bundle.mjs): large JSON tables that dependencies require only
// when they use them are kept out of the chunks, as files beside them, read by Node's require when first needed.
// A chunk's whole text is parsed when it loads, used or not: iconv-lite's CJK tables (480 KB, read only to decode
// such a charset) and mime-db (230 KB, read by mime-types on first use, see lazyModules.mjs) made the chunk that
// holds express 1.1 MB, about 5 ms of parsing at every launch (cold start).
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';

/** The JSON requires left to Node: by the module asking (`importer`) and the file asked for; `prefix` names the copy. */
const apart = [
  { prefix: 'iconv-lite', importer: /[\\/]node_modules[\\/]iconv-lite[\\/]encodings[\\/][^\\/]+\.js$/, filter: /^\.\/tables\/[\w-]+\.json$/ },
  { prefix: 'mime-db', importer: /[\\/]node_modules[\\/]mime-db[\\/]index\.js$/, filter: /^\.\/db\.json$/ },
];

/**
 * The plugin: each such require becomes `require("./data/NAME")`, resolved at run time from the chunk (every
 * chunk sits in `chunksDir`, and its `require` is made from its own URL, see bundle.mjs), and the file is
 * copied to `chunksDir/data/` once the build is done.
 */
export function dataApartPlugin(chunksDir) {
  const copies = new Map();
  return {
    name: 'data-apart',
    setup(builder) {
      for (const { prefix, importer, filter } of apart) {
        builder.onResolve({ filter }, (args) => {
          if (!importer.test(args.importer)) return undefined;
          const source = join(args.resolveDir, args.path);
          const name = `${prefix}-${basename(source)}`;
          copies.set(name, source);
          return { path: `./data/${name}`, external: true };
        });
      }
      builder.onEnd(() => {
        mkdirSync(join(chunksDir, 'data'), { recursive: true });
        for (const [name, source] of copies) copyFileSync(source, join(chunksDir, 'data', name));
      });
    },
  };
}
