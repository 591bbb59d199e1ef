#!/usr/bin/env node
// Part of `npm run build`: yargs and its dependencies, bundled into one ES module (dist/vendor/yargs.js) that
// the CLI loads instead of the package. Node 20 resolves, reads and links yargs' 20-odd modules one by one on
// every run: ~40 ms of each command's start-up (`tpdrift --version` 0.14-0.15 s -> 0.10-0.11 s on the bench
// machine). The same pinned version is bundled, unchanged; the licences of what went in are written beside it.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const OUT = path.join(ROOT, 'dist', 'vendor');

// yargs finds its message translations relative to its own module (`../../../locales` from
// lib/platform-shims/esm.mjs); in the bundle that module is dist/vendor/yargs.js, so the path is pointed at a
// copy beside it. The build fails if yargs ever moves that line.
const LOCALES_FROM = "resolve(__dirname, '../../../locales')";
const LOCALES_TO = "resolve(__dirname, '../yargs-locales')";
const localesBesideBundle = {
  name: 'yargs-locales-beside-bundle',
  setup(b) {
    b.onLoad({ filter: /yargs[/\\]lib[/\\]platform-shims[/\\]esm\.mjs$/ }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      if (!source.includes(LOCALES_FROM)) throw new Error(`${args.path}: no ${LOCALES_FROM} to point at the bundled locales`);
      return { contents: source.replace(LOCALES_FROM, LOCALES_TO), loader: 'js' };
    });
  },
};

const result = await build({
  stdin: { contents: "export { default } from 'yargs';\n", resolveDir: ROOT, loader: 'js', sourcefile: 'yargs-entry.js' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: path.join(OUT, 'yargs.js'),
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
  plugins: [localesBesideBundle],
});
const shimSeen = Object.keys(result.metafile.inputs).some((input) => /platform-shims\/esm\.mjs$/.test(input));
if (!shimSeen) throw new Error('bundle-yargs: yargs\' platform shim was not bundled; its locales path was not rewritten');
fs.cpSync(path.join(ROOT, 'node_modules', 'yargs', 'locales'), path.join(OUT, 'yargs-locales'), { recursive: true });

// Each bundled package's licence, once per name and version, in a stable order.
const notices = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const dir = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
  if (!dir) continue;
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8'));
  const licence = fs.readdirSync(path.join(ROOT, dir)).find((f) => /^licen[cs]e/i.test(f));
  const text = licence ? fs.readFileSync(path.join(ROOT, dir, licence), 'utf8').trim() : `${pkg.license} (no licence file in the package)`;
  notices.set(`${pkg.name}@${pkg.version}`, text);
}
const body = [...notices.keys()].sort().map((id) => `${id}\n\n${notices.get(id)}\n`);
fs.writeFileSync(path.join(OUT, 'yargs.LICENSES.txt'), `Bundled into yargs.js by scripts/bundle-yargs.mjs:\n\n${body.join('\n---\n\n')}`);
