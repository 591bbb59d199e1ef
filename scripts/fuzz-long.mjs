#!/usr/bin/env node
/**
 * The long fuzz run (`npm run fuzz:long`): ≥ 100,000 generated and mutated inputs through every reader that
 * takes user input, on the compiled code (dist/, built by the npm script). For each target it checks that no
 * exception other than the reader's own (InputError, CTextError) escapes, that no single case runs over its
 * time budget, and that the round-trips hold. Prints one line per target and a JSON summary; exits 1 when a
 * target failed (fast-check's shrunk counterexample is printed). Results are recorded in docs/robustness.md.
 *
 *   node scripts/fuzz-long.mjs [--scale 1] [--seed N] [--only name,name] [--shrink] [--failures DIR]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { createTwoFilesPatch } from 'diff';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(path.join(ROOT, 'dist/src', p));

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const scale = Number(opt('scale', '1'));
const seed = Number(opt('seed', String(Date.now() % 2 ** 31)));
const only = opt('only', '')?.split(',').filter(Boolean) ?? [];
/** Shrinking a slow counterexample can take many minutes; off unless asked for. */
const shrink = args.includes('--shrink');
/** Failing inputs are written here, one file per target, to reproduce them. */
const failDir = opt('failures', path.join(os.tmpdir(), 'tpdrift-fuzz-failures'));

const { InputError } = await dist('errors.js');
const { CTextError, splitTopLevel, matchingBracket, readStringLiterals, stripComments } = await dist('util/ctext.js');
const { evaluateConstant } = await dist('util/cexpr.js');
const { parseFormat, parsePrintFormat } = await dist('sources/tracefs/format.js');
const { readCaptureFiles, snapshotFromCapture } = await dist('sources/tracefs/reader.js');
const { validateSnapshot, readSnapshot } = await dist('sources/snapshot-file.js');
const { makeSnapshot, serializeSnapshot } = await dist('model/canonical.js');
const { compareSnapshots } = await dist('diff/compare.js');
const { runDiff } = await dist('engine/run.js');
const { viewPrint } = await dist('diff/print.js');
const { readPatchText } = await dist('patch/read.js');
const { applyPatches } = await dist('patch/apply.js');
const { loadTree } = await dist('sources/tree/index.js');
const { main } = await dist('cli/main.js');

// ---------------------------------------------------------------------------------------------- real data
const CAPTURE = path.join(ROOT, 'test/fixtures/tracefs-linux-6.18.44-x86_64.tar.gz');
const MINI_TREE = path.join(ROOT, 'test/fixtures/tree-real/linux-6.1');
const SCHED_H = 'include/trace/events/sched.h';
const capture = await readCaptureFiles(CAPTURE);
const formatKeys = [...capture.files.keys()].filter((k) => k.endsWith('/format')).sort();
const formats = formatKeys.map((k) => capture.files.get(k).toString('utf8'));
const prints = formats.map((f) => f.slice(f.indexOf('print fmt:') + 'print fmt:'.length).trim());
/** A small real capture (sched, irq, timer and the headers) that a mutated file is dropped into. */
const smallKeys = [...capture.files.keys()].filter((k) => /^events\/(sched|irq|timer)\//.test(k) || !k.includes('/format')).sort();
const smallCapture = new Map(smallKeys.map((k) => [k, capture.files.get(k)]));
const fullSnapshot = snapshotFromCapture(capture);
const smallSnapshot = snapshotFromCapture({ label: 'small', files: smallCapture });
const smallJson = serializeSnapshot(smallSnapshot);
const schedA = fs.readFileSync(path.join(MINI_TREE, SCHED_H), 'utf8');
const schedB = fs.readFileSync(path.join(ROOT, 'test/fixtures/tree-real/linux-6.12', SCHED_H), 'utf8');
const realPatch = createTwoFilesPatch(`a/${SCHED_H}`, `b/${SCHED_H}`, schedA, schedB);

// ------------------------------------------------------------------------------------------ mutations
const KINDS = ['flip', 'truncate', 'drop-line', 'dup-line', 'swap-lines', 'huge-number', 'negative', 'insert', 'delete-range', 'paren', 'quote', 'comment', 'backslash', 'blow-up'];

/** A mutation of text taken from `pool`: what truncation, corruption and careless editing do to files. */
const textMutation = (pool) =>
  fc
    .tuple(fc.nat(), fc.nat(), fc.nat(), fc.constantFrom(...KINDS), fc.string({ maxLength: 16 }), fc.integer({ min: 1, max: 3 }))
    .map(([which, at, at2, kind, junk, times]) => {
      let text = pool[which % pool.length];
      for (let t = 0; t < times; t++) text = mutateOnce(text, kind, at * (t + 1), at2 + t, junk);
      return text;
    });

function mutateOnce(text, kind, at, at2, junk) {
  const i = text.length === 0 ? 0 : at % text.length;
  const lines = text.split('\n');
  const l = at2 % Math.max(1, lines.length);
  switch (kind) {
    case 'flip': return text.slice(0, i) + String.fromCharCode((text.charCodeAt(i) + 1 + (at2 % 200)) % 0xffff) + text.slice(i + 1);
    case 'truncate': return text.slice(0, i);
    case 'drop-line': return lines.filter((_, k) => k !== l).join('\n');
    case 'dup-line': return [...lines.slice(0, l + 1), lines[l] ?? '', ...lines.slice(l + 1)].join('\n');
    case 'swap-lines': {
      const m = (l + 1 + (at % 5)) % Math.max(1, lines.length);
      const out = [...lines];
      [out[l], out[m]] = [out[m], out[l]];
      return out.join('\n');
    }
    case 'huge-number': {
      let n = 0;
      return text.replace(/\d+/g, (d) => (n++ === at2 % 7 ? '9'.repeat(1 + (at % 40)) : d));
    }
    case 'negative': {
      let n = 0;
      return text.replace(/:(\d+);/g, (s, d) => (n++ === at2 % 5 ? `:-${d};` : s));
    }
    case 'insert': return text.slice(0, i) + junk + text.slice(i);
    case 'delete-range': return text.slice(0, i) + text.slice(i + 1 + (at2 % 64));
    case 'paren': return text.slice(0, i) + '([{'[at2 % 3] + text.slice(i);
    case 'quote': return text.slice(0, i) + '"\''[at2 % 2] + text.slice(i);
    case 'comment': return text.slice(0, i) + '/*' + text.slice(i);
    case 'backslash': return text.slice(0, i) + '\\' + text.slice(i);
    // A short piece repeated thousands of times: long lines are where quadratic readers hang.
    case 'blow-up': return text.slice(0, i) + text.slice(i, i + 1 + (at2 % 3)).repeat(2000 + (at % 30_000)) + text.slice(i);
  }
  return text;
}

/** Byte-level mutations (invalid UTF-8, NUL bytes, truncation) of a buffer. */
const byteMutation = (pool) =>
  fc.tuple(fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.boolean(), fc.nat()).map(([which, flips, cut, at]) => {
    const b = Buffer.from(pool[which % pool.length]);
    for (const [pos, v] of flips) if (b.length) b[pos % b.length] = v;
    return cut && b.length ? b.subarray(0, at % b.length) : b;
  });

/** Structural mutations of a parsed snapshot: one value anywhere replaced by a value of another type, or deleted. */
const ODD_VALUES = ['<delete>', null, 0, -1, 1.5, 1e308, '', 'x', '[]', [], {}, true, [1], { a: 1 }, 'data_loc', 'tracepoint'];
function jsonPaths(v, at = [], out = []) {
  if (v && typeof v === 'object') {
    for (const [k, c] of Object.entries(v)) {
      out.push([...at, k]);
      jsonPaths(c, [...at, k], out);
    }
  }
  return out;
}
const smallPaths = jsonPaths(JSON.parse(smallJson));
const structuralMutation = fc.tuple(fc.array(fc.tuple(fc.nat(), fc.constantFrom(...ODD_VALUES.keys())), { minLength: 1, maxLength: 3 })).map(([edits]) => {
  const data = JSON.parse(smallJson);
  for (const [p, v] of edits) {
    const route = smallPaths[p % smallPaths.length];
    let parent = data;
    for (const k of route.slice(0, -1)) parent = parent?.[k];
    if (!parent || typeof parent !== 'object') continue;
    const last = route[route.length - 1];
    const value = ODD_VALUES[v];
    if (value === '<delete>') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else parent[last] = structuredClone(value);
  }
  return JSON.stringify(data);
});

/** The CLI contract on one run: exit 0, 1 or 2; exit 2 is one stderr line `tpdrift: FILE...`; never an internal error. */
async function cliContract(argv, file) {
  let stdout = '';
  let stderr = '';
  const t0 = performance.now();
  const code = await main(argv, { stdout: (x) => (stdout += x), stderr: (x) => (stderr += x), stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: tmp });
  stats.maxMs = Math.max(stats.maxMs, performance.now() - t0);
  if (/internal error|\n\s+at /.test(stderr)) throw new Error(`internal error from ${argv.join(' ')}: ${stderr}`);
  if (![0, 1, 2].includes(code)) throw new Error(`exit ${code}`);
  if (code === 2) {
    const lines = stderr.trimEnd().split('\n');
    if (lines.length !== 1 || !lines[0].startsWith(`tpdrift: ${file}`)) throw new Error(`exit 2 without one line naming ${file}: ${JSON.stringify(stderr)}`);
    if (stdout !== '') throw new Error('exit 2 with output on stdout');
  } else if (stdout === '') throw new Error(`exit ${code} without a report`);
  return code;
}
const REPORT_FORMATS = ['text', 'json', 'sarif', 'markdown', 'github', 'html'];

// ------------------------------------------------------------------------------------------- checking
const BUDGET_MS = 2000;
class Slow extends Error {}

/** Runs fn; only `allowed` errors may escape it, within `budget` ms. */
function bounded(fn, allowed, budget = BUDGET_MS) {
  const t0 = performance.now();
  try {
    fn();
  } catch (e) {
    if (!allowed.some((k) => e instanceof k)) throw e;
  }
  const ms = performance.now() - t0;
  stats.maxMs = Math.max(stats.maxMs, ms);
  if (ms > budget) throw new Slow(`case took ${ms.toFixed(0)} ms (budget ${budget} ms)`);
}
async function boundedAsync(fn, allowed, budget) {
  const t0 = performance.now();
  try {
    await fn();
  } catch (e) {
    if (!allowed.some((k) => e instanceof k)) throw e;
  }
  const ms = performance.now() - t0;
  stats.maxMs = Math.max(stats.maxMs, ms);
  if (ms > budget) throw new Slow(`case took ${ms.toFixed(0)} ms (budget ${budget} ms)`);
}
const equal = (a, b, what) => {
  if (a !== b) throw new Error(`${what}: not identical`);
};

let stats = { maxMs: 0 };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-fuzz-long-'));
const tree = path.join(tmp, 'tree');
fs.cpSync(MINI_TREE, tree, { recursive: true });

const cText = fc.string({ unit: fc.constantFrom(...'()[]{}"\'\\/*, \nab_1<>|&?:;#%'.split('')), maxLength: 300 });
const cExpr = fc.string({ unit: fc.constantFrom(...'0123456789xXabcdefuUlL+-*/%<>=!&|^~?:() _ABCsizeof'.split('')), maxLength: 100 });

/** name → [runs, property]. */
const TARGETS = {
  'format reader (mutated real 6.18 formats)': [30_000, fc.property(textMutation(formats), (t) => bounded(() => parseFormat(t, 'f'), [InputError]))],
  'format reader (byte-mutated formats in a real capture → snapshot)': [
    6_000,
    fc.property(fc.nat(), byteMutation(formats.slice(0, 400).map((f) => Buffer.from(f))), (k, bytes) => {
      const keys = [...smallCapture.keys()];
      const files = new Map(smallCapture);
      files.set(keys[k % keys.length], bytes);
      bounded(() => snapshotFromCapture({ label: 'c', files }), [InputError]);
    }),
  ],
  'structural C reader (generated text)': [
    20_000,
    fc.property(cText, fc.nat(), (s, at) => {
      bounded(() => splitTopLevel(s), [CTextError]);
      bounded(() => stripComments(s), [CTextError]);
      bounded(() => readStringLiterals(s, at % (s.length + 1)), [CTextError]);
      const open = s.search(/[([{]/);
      if (open >= 0) bounded(() => matchingBracket(s, open), [CTextError]);
    }),
  ],
  'print formats (mutated real ones → parsePrintFormat → viewPrint)': [
    12_000,
    fc.property(textMutation(prints), (t) =>
      bounded(() => {
        let p;
        try {
          p = parsePrintFormat(t);
        } catch (e) {
          if (!(e instanceof CTextError)) throw e;
          p = { fmt: 'x', args: [t] };
        }
        viewPrint(p);
      }, []),
    ),
  ],
  'constant evaluator (generated expressions)': [
    15_000,
    fc.property(cExpr, (s) =>
      bounded(() => {
        const v = evaluateConstant(s, (n) => (n === 'ABC' ? 16n : undefined));
        if (v !== undefined && typeof v !== 'bigint') throw new Error(`evaluateConstant returned ${typeof v}`);
      }, []),
    ),
  ],
  'snapshot reader (mutated real snapshot JSON; what validates must diff)': [
    6_000,
    fc.property(textMutation([smallJson]), (t) => {
      let data;
      try {
        data = JSON.parse(t);
      } catch {
        return;
      }
      bounded(() => {
        const s = validateSnapshot(data, 's.json');
        runDiff(compareSnapshots(smallSnapshot, s));
        runDiff(compareSnapshots(s, smallSnapshot));
      }, [InputError]);
    }),
  ],
  'snapshot reader (structural mutations; diff and lint through the CLI, every report format)': [
    3_000,
    fc.asyncProperty(structuralMutation, fc.constantFrom(...REPORT_FORMATS), async (text, format) => {
      const f = path.join(tmp, 'mut.json');
      const orig = path.join(tmp, 'orig.json');
      if (!fs.existsSync(orig)) fs.writeFileSync(orig, smallJson);
      fs.writeFileSync(f, text);
      await cliContract(['diff', orig, f, '-f', format, '--fail-on', 'none'], f);
      await cliContract(['diff', f, orig, '-f', format], f);
      await cliContract(['lint', f, '-f', format], f);
    }),
  ],
  'CLI on mutated real tracefs archives (diff snapshot ↔ capture)': [
    1_500,
    fc.asyncProperty(fc.nat(), textMutation(formats.filter((_, i) => /^events\/(sched|irq|timer)\//.test(formatKeys[i]))), fc.constantFrom(...REPORT_FORMATS), async (k, text, format) => {
      const keys = [...smallCapture.keys()].filter((x) => x.endsWith('/format'));
      const files = new Map(smallCapture);
      files.set(keys[k % keys.length], Buffer.from(text));
      const f = path.join(tmp, 'mut.tar.gz');
      const orig = path.join(tmp, 'orig.json');
      if (!fs.existsSync(orig)) fs.writeFileSync(orig, smallJson);
      fs.writeFileSync(f, tarOf(files));
      await cliContract(['diff', orig, f, '-f', format, '--fail-on', 'none'], f);
    }),
  ],
  'snapshot files (byte-mutated .json.gz)': [
    1_500,
    fc.property(byteMutation([zlib.gzipSync(smallJson)]), (bytes) => {
      const f = path.join(tmp, 'm.json.gz');
      fs.writeFileSync(f, bytes);
      bounded(() => readSnapshot(f), [InputError]);
    }),
  ],
  'patch reader and applier (mutated real 6.1→6.12 sched.h patch)': [
    10_000,
    fc.property(textMutation([realPatch]), (t) => bounded(() => applyPatches(MINI_TREE, readPatchText(t, 'p')), [InputError])),
  ],
  'round-trip (events → snapshot → JSON → validate → diff = 0 findings)': [
    2_000,
    fc.property(fc.subarray(fullSnapshot.events, { minLength: 1, maxLength: 80 }), (events) => {
      const s = makeSnapshot({ kernel: fullSnapshot.kernel, header: fullSnapshot.header, events });
      const text = serializeSnapshot(s);
      const back = validateSnapshot(JSON.parse(text), 'rt.json');
      equal(serializeSnapshot(back), text, 'serialize(read(serialize(s)))');
      const findings = runDiff(compareSnapshots(s, back));
      if (findings.length) throw new Error(`${findings.length} findings between a snapshot and itself`);
    }),
  ],
  'capture order (shuffled file order → same snapshot bytes)': [
    300,
    fc.property(fc.shuffledSubarray([...smallCapture], { minLength: smallCapture.size, maxLength: smallCapture.size }), (entries) => {
      equal(serializeSnapshot(snapshotFromCapture({ label: 'small', files: new Map(entries) })), smallJson, 'shuffled capture');
    }),
  ],
  'tracefs archives (byte-mutated .tar.gz of a real capture)': [
    1_500,
    fc.asyncProperty(byteMutation([tarOf(smallCapture)]), async (bytes) => {
      const f = path.join(tmp, 'm.tar.gz');
      fs.writeFileSync(f, bytes);
      await boundedAsync(async () => snapshotFromCapture(await readCaptureFiles(f)), [InputError], 5000);
    }),
  ],
  'tree extractor (mutated real sched.h; whole-tree runs never throw)': [
    400,
    fc.asyncProperty(textMutation([schedA]), async (t) => {
      fs.writeFileSync(path.join(tree, SCHED_H), t);
      await boundedAsync(async () => {
        const s = await loadTree(tree, { workers: 0 });
        if (!Array.isArray(s.events)) throw new Error('no events array');
      }, [], 10_000);
    }),
  ],
};

/** An uncompressed-then-gzipped tar of `files` (ustar, written by hand: no temp directory needed). */
function tarOf(files) {
  const parts = [];
  for (const [name, body] of files) {
    const h = Buffer.alloc(512);
    h.write(name, 0, 100);
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(body.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write('0', 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    parts.push(h, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return zlib.gzipSync(Buffer.concat(parts));
}

/** A mutated text described as the edit it is from the nearest real input (counterexamples are often 100 KB). */
const POOLS = [formats, prints, [smallJson], [realPatch], [schedA]].flat();
function describeValue(v) {
  if (typeof v !== 'string' || v.length < 300) return v;
  let best = '';
  let prefix = -1;
  for (const o of POOLS) {
    let i = 0;
    while (i < o.length && i < v.length && o[i] === v[i]) i++;
    if (i > prefix) [best, prefix] = [o, i];
  }
  let k = 0;
  while (k < best.length - prefix && k < v.length - prefix && best[best.length - 1 - k] === v[v.length - 1 - k]) k++;
  const removed = best.slice(prefix, best.length - k);
  const inserted = v.slice(prefix, v.length - k);
  const show = (x) => (x.length > 120 ? `${JSON.stringify(x.slice(0, 60))}…(${x.length} chars)…${JSON.stringify(x.slice(-60))}` : JSON.stringify(x));
  return `edit of a ${best.length}-char real input at offset ${prefix} (line ${best.slice(0, prefix).split('\n').length}): removed ${show(removed)}, inserted ${show(inserted)}`;
}

// ----------------------------------------------------------------------------------------------- run
const results = [];
const t0 = performance.now();
console.log(`tpdrift fuzz:long  seed=${seed} scale=${scale}  node ${process.version}  ${os.cpus().length} CPUs`);
for (const [name, [runs, property]] of Object.entries(TARGETS)) {
  if (only.length && !only.some((o) => name.includes(o))) continue;
  const numRuns = Math.max(1, Math.round(runs * scale));
  stats = { maxMs: 0 };
  const start = performance.now();
  const details = await fc.check(property, { numRuns, seed, endOnFailure: !shrink });
  const ms = performance.now() - start;
  const r = {
    target: name,
    cases: details.numRuns,
    skipped: details.numSkips,
    seconds: +(ms / 1000).toFixed(1),
    maxCaseMs: +stats.maxMs.toFixed(1),
    failed: details.failed,
  };
  if (details.failed) {
    r.counterexample = JSON.stringify(details.counterexample.map(describeValue)).slice(0, 2000);
    r.error = String(details.errorInstance?.stack ?? details.error).slice(0, 2000);
    r.path = details.counterexamplePath;
    fs.mkdirSync(failDir, { recursive: true });
    r.saved = path.join(failDir, `${name.replace(/\W+/g, '-').slice(0, 60)}.json`);
    fs.writeFileSync(r.saved, JSON.stringify(details.counterexample));
  }
  results.push(r);
  console.log(`${details.failed ? 'FAIL' : 'ok  '} ${String(r.cases).padStart(7)} cases ${String(r.seconds).padStart(7)} s  max ${String(r.maxCaseMs).padStart(7)} ms/case  ${name}`);
  if (details.failed) console.log(`     counterexample: ${r.counterexample}\n     ${r.error.split('\n').slice(0, 6).join('\n     ')}`);
}
fs.rmSync(tmp, { recursive: true, force: true });
const summary = {
  seed,
  scale,
  cases: results.reduce((n, r) => n + r.cases, 0),
  seconds: +((performance.now() - t0) / 1000).toFixed(1),
  failures: results.filter((r) => r.failed).length,
  results,
};
console.log(JSON.stringify(summary, null, 2));
process.exitCode = summary.failures ? 1 : 0;
