#!/usr/bin/env node
// Part of `npm run build`, after tsc: the command line as a few ES modules (dist/cli/: main.js and the chunks
// each command loads when it runs) instead of the ~75 modules of dist/src and yargs' 20-odd that a `diff`
// loaded one by one. Node 20 has no module compile cache, and resolving, reading and linking each module cost
// every command 70-80 ms of start-up (`tpdrift --version` 0.14 -> ~0.09 s, a capture snapshot diff
// ~0.28 -> ~0.23 s on the bench machine). bin/tpdrift.js runs dist/cli/main.js; the library (dist/src) and the
// worker threads (dist/src/sources/tree/*-worker.js) stay as tsc wrote them. It also puts the C grammar in
// dist/grammar/ (below).
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const DIST = path.join(ROOT, 'dist');
const OUT = path.join(DIST, 'cli');

/**
 * A bundled module keeps the URL of its compiled file: `import.meta.url` becomes that file's URL, relative to
 * the chunk it lands in. So the worker threads it starts, the rule pages and the schema it reads, and the
 * identities of the caches (hashes of the compiled modules' sources) are the same as for dist/src.
 */
const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      if (!args.path.startsWith(DIST + path.sep)) return undefined;
      const source = fs.readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const own = `new URL(${JSON.stringify(path.relative(OUT, args.path))}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', own), loader: 'js' };
    });
  },
};

/**
 * yargs finds its message translations relative to its own module (`../../../locales` from
 * lib/platform-shims/esm.mjs); in the bundle that module is a chunk in dist/cli/, so the path is pointed at a
 * copy beside the chunks. The build fails if yargs ever moves that line.
 */
const LOCALES_FROM = "resolve(__dirname, '../../../locales')";
const LOCALES_TO = "resolve(__dirname, '../yargs-locales')";
const yargsLocalesBesideBundle = {
  name: 'yargs-locales-beside-bundle',
  setup(b) {
    b.onLoad({ filter: /yargs[/\\]lib[/\\]platform-shims[/\\]esm\.mjs$/ }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      if (!source.includes(LOCALES_FROM)) throw new Error(`${args.path}: no ${LOCALES_FROM} to point at the copied locales`);
      return { contents: source.replace(LOCALES_FROM, LOCALES_TO), loader: 'js' };
    });
  },
};

/**
 * string-width (three copies: yargs' cliui, wrap-ansi and our own text reports) makes an `Intl.Segmenter` when it
 * is loaded. The first one costs ~9 ms of ICU set-up, on every command, though only help text and wide characters
 * in a report ever use it. In the bundle it is made on first use instead. The build fails if the line changes.
 */
const SEGMENTER_FROM = 'const segmenter = new Intl.Segmenter();';
const SEGMENTER_TO = 'let segmenterMade; const segmenter = { segment: (text) => (segmenterMade ??= new Intl.Segmenter()).segment(text) };';
const segmenterOnFirstUse = {
  name: 'segmenter-on-first-use',
  setup(b) {
    b.onLoad({ filter: /string-width[/\\]index\.js$/ }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      if (!source.includes(SEGMENTER_FROM)) throw new Error(`${args.path}: no ${SEGMENTER_FROM} to make on first use`);
      return { contents: source.replace(SEGMENTER_FROM, SEGMENTER_TO), loader: 'js' };
    });
  },
};

/**
 * tree-sitter-c's grammar as WebAssembly, from the development dependency into dist/grammar/ with its licence:
 * src/sources/tree/c-parser.ts loads it from there, so the package depends on no tree-sitter-c (native
 * prebuilds, and an optional peer that installers would resolve to a native tree-sitter 0.22).
 */
const GRAMMAR = path.join(DIST, 'grammar');
fs.rmSync(GRAMMAR, { recursive: true, force: true });
fs.mkdirSync(GRAMMAR, { recursive: true });
const grammarPkg = path.join(ROOT, 'node_modules', 'tree-sitter-c');
fs.copyFileSync(path.join(grammarPkg, 'tree-sitter-c.wasm'), path.join(GRAMMAR, 'tree-sitter-c.wasm'));
const grammarVersion = JSON.parse(fs.readFileSync(path.join(grammarPkg, 'package.json'), 'utf8')).version;
fs.writeFileSync(
  path.join(GRAMMAR, 'LICENSE'),
  `tree-sitter-c.wasm is tree-sitter-c ${grammarVersion}'s own build (https://github.com/tree-sitter/tree-sitter-c), unchanged.\n\n${fs.readFileSync(path.join(grammarPkg, 'LICENSE'), 'utf8').trim()}\n`,
);

fs.rmSync(OUT, { recursive: true, force: true });
const result = await build({
  entryPoints: [path.join(DIST, 'src', 'cli', 'main.js')],
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: OUT,
  // Native addons and WebAssembly runtimes (they find their .wasm beside their own module) stay packages; ajv
  // is loaded through createRequire, out of the bundler's sight anyway.
  external: ['web-tree-sitter', 'ajv', 'lzma-native', '@foxglove/wasm-zstd'],
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
  plugins: [keepModuleUrls, yargsLocalesBesideBundle, segmenterOnFirstUse],
});
const inputs = Object.keys(result.metafile.inputs);
if (!inputs.some((input) => /yargs\/lib\/platform-shims\/esm\.mjs$/.test(input))) {
  throw new Error("bundle-cli: yargs' platform shim was not bundled, so its locales path was not rewritten");
}
fs.cpSync(path.join(ROOT, 'node_modules', 'yargs', 'locales'), path.join(OUT, 'yargs-locales'), { recursive: true });

// The licence of each bundled package, once per name and version, in a stable order.
const notices = new Map();
for (const input of inputs) {
  const dir = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
  if (!dir) continue;
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8'));
  const licence = fs.readdirSync(path.join(ROOT, dir)).find((f) => /^licen[cs]e/i.test(f));
  const text = licence ? fs.readFileSync(path.join(ROOT, dir, licence), 'utf8').trim() : `${pkg.license} (no licence file in the package)`;
  notices.set(`${pkg.name}@${pkg.version}`, text);
}
const body = [...notices.keys()].sort().map((id) => `${id}\n\n${notices.get(id)}\n`);
fs.writeFileSync(path.join(OUT, 'LICENSES.txt'), `Third-party code bundled into these modules by scripts/bundle-cli.mjs:\n\n${body.join('\n---\n\n')}`);
