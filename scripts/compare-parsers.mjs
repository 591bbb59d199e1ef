#!/usr/bin/env node
// Compares the tree reader's parser (web-tree-sitter + tree-sitter-c's wasm, src/sources/tree/c-parser.ts) with
// native tree-sitter on every trace header a whole-tree read parses: same syntax trees (every node's type, field,
// named-ness, range and position, and the S-expression), parse and walk time, start-up. docs/dependencies.md has
// the figures. Usage (after `npm run build`):
//   node scripts/compare-parsers.mjs <kernel tree> [native-version=0.25.1] [web-version=<package.json's>]
// The native runtime (and the web one when another version is asked for) is installed with npm into
// $TPDRIFT_KERNEL_CACHE or ~/.cache/tpdrift/parsers/, outside the repository. Run it with another `node` to
// measure that Node.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const GRAMMAR_VERSION = pkg.devDependencies['tree-sitter-c'];
const [tree, nativeVersion = '0.25.1', webVersion = pkg.dependencies['web-tree-sitter'], role, listFile] = process.argv.slice(2);
const CACHE = path.join(process.env.TPDRIFT_KERNEL_CACHE || path.join(os.homedir(), '.cache', 'tpdrift'), 'parsers');

/** A folder with `specs` installed (npm, once). */
function installed(name, specs, extra = []) {
  const dir = path.join(CACHE, name);
  if (!fs.existsSync(path.join(dir, 'node_modules', '.ok'))) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `parsers-${name}`, private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--save-exact', ...extra, ...specs], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    fs.writeFileSync(path.join(dir, 'node_modules', '.ok'), '');
  }
  return createRequire(path.join(dir, 'package.json'));
}

if (role) {
  // A child: one runtime, fresh process (start-up is part of the measurement).
  const t0 = performance.now();
  let parse;
  if (role === 'native') {
    // tree-sitter-c 0.24.1 declares an optional peer tree-sitter ^0.22.4 (ERESOLVE beside 0.25.1 otherwise).
    const require = installed(`native-${nativeVersion}`, [`tree-sitter@${nativeVersion}`, `tree-sitter-c@${GRAMMAR_VERSION}`], ['--legacy-peer-deps']);
    const Parser = require('tree-sitter');
    const p = new Parser();
    p.setLanguage(require('tree-sitter-c'));
    // As the tree reader called it: files reach 170 KB, past the default buffer.
    parse = (s) => p.parse(s, null, { bufferSize: Math.max(32 * 1024, s.length * 2 + 1024) });
  } else {
    const require = webVersion === pkg.dependencies['web-tree-sitter'] ? createRequire(path.join(ROOT, 'package.json')) : installed(`web-${webVersion}`, [`web-tree-sitter@${webVersion}`]);
    const { Parser, Language } = await import(require.resolve('web-tree-sitter').replace(/\.cjs$/, '.js'));
    await Parser.init();
    const p = new Parser();
    p.setLanguage(await Language.load(fs.readFileSync(path.join(ROOT, 'node_modules', 'tree-sitter-c', 'tree-sitter-c.wasm'))));
    parse = (s) => p.parse(s);
  }
  const startup = performance.now() - t0;
  const { stripComments } = await import(path.join(ROOT, 'dist/src/util/ctext.js'));
  const { onlyDirectives } = await import(path.join(ROOT, 'dist/src/sources/tree/filemodel.js'));
  const inputs = JSON.parse(fs.readFileSync(listFile, 'utf8')).map((file) => {
    const raw = fs.readFileSync(path.join(tree, file), 'utf8');
    let s;
    try {
      s = stripComments(raw);
    } catch {
      s = raw;
    }
    return { file, directives: onlyDirectives(s), whole: s };
  });
  const result = { role, node: process.version, startupMs: +startup.toFixed(1), files: inputs.length };
  for (const kind of ['directives', 'whole']) {
    const rounds = [];
    for (let r = 0; r < 3; r++) {
      const a = performance.now();
      for (const d of inputs) parse(d[kind]).delete?.();
      rounds.push(Math.round(performance.now() - a));
    }
    const digests = [];
    let nodes = 0;
    let walkMs = 0;
    for (const d of inputs) {
      const t = parse(d[kind]);
      const a = performance.now();
      const c = t.walk();
      const h = (await import('node:crypto')).createHash('sha256');
      let depth = 0;
      for (;;) {
        h.update(`${depth} ${c.nodeType} ${c.nodeIsNamed} ${c.currentFieldName ?? ''} ${c.startIndex}-${c.endIndex} ${c.startPosition.row}:${c.startPosition.column}\n`);
        nodes++;
        if (c.gotoFirstChild()) {
          depth++;
          continue;
        }
        while (!c.gotoNextSibling()) {
          if (!c.gotoParent()) {
            depth = -1;
            break;
          }
          depth--;
        }
        if (depth < 0) break;
      }
      walkMs += performance.now() - a;
      h.update(t.rootNode.toString());
      digests.push(h.digest('hex'));
      c.delete?.();
      t.delete?.();
    }
    result[kind] = { chars: inputs.reduce((n, d) => n + d[kind].length, 0), parseMs: rounds, walkMs: Math.round(walkMs), nodes, digests };
  }
  process.stdout.write(JSON.stringify(result));
} else {
  if (!tree) throw new Error('usage: node scripts/compare-parsers.mjs <kernel tree> [native-version] [web-version]');
  // The headers a whole-tree read parses: the entries of a fresh parse cache after one read.
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-parsers-'));
  try {
    const { loadTreeInProcess } = await import(path.join(ROOT, 'dist/src/sources/tree/tree.js'));
    await loadTreeInProcess(tree, { parseCache: cache });
    const files = [];
    for (const d of fs.readdirSync(cache)) {
      if (!/^[0-9a-f]{2}$/.test(d)) continue;
      for (const f of fs.readdirSync(path.join(cache, d))) files.push(JSON.parse(fs.readFileSync(path.join(cache, d, f), 'utf8')).file);
    }
    files.sort();
    const list = path.join(cache, 'files.json');
    fs.writeFileSync(list, JSON.stringify(files));
    const run = (r) => JSON.parse(execFileSync(process.execPath, [new URL(import.meta.url).pathname, tree, nativeVersion, webVersion, r, list], { encoding: 'utf8', maxBuffer: 64 << 20 }));
    const native = run('native');
    const web = run('web');
    const out = { node: process.version, tree, files: files.length, native: `tree-sitter ${nativeVersion}`, web: `web-tree-sitter ${webVersion}`, grammar: `tree-sitter-c ${GRAMMAR_VERSION}` };
    for (const kind of ['directives', 'whole']) {
      const differ = files.filter((_, i) => native[kind].digests[i] !== web[kind].digests[i]);
      const strip = ({ digests, ...rest }) => rest;
      out[kind] = { native: strip(native[kind]), web: strip(web[kind]), differingFiles: differ.length, firstDiffering: differ.slice(0, 5) };
    }
    out.startupMs = { native: native.startupMs, web: web.startupMs };
    console.log(JSON.stringify(out, null, 1));
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
}
