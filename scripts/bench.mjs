#!/usr/bin/env node
// `npm run bench`: whole-process timings of tpdrift against baselines measured in the same run, on this
// machine, warm cache: ripgrep doing the same text scans of a kernel tree, libtraceevent parsing the same
// format files. Writes docs/bench.md. Speed is measured here, never asserted in tests.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const CACHE = process.env.TPDRIFT_KERNEL_CACHE || path.join(os.homedir(), '.cache', 'tpdrift');
const TREE_612 = path.join(CACHE, 'trees', 'linux-source-6.12');
const REPS = Number(process.env.BENCH_REPS ?? 3);
const TPDRIFT = [process.execPath, path.join(ROOT, 'bin/tpdrift.js')];

function need(cmd, pkg) {
  if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) {
    console.error(`bench: '${cmd}' is missing: apt-get install -y ${pkg}`);
    process.exit(2);
  }
}
need('rg', 'ripgrep');
need('cc', 'gcc');
need('pkg-config', 'pkg-config');
if (spawnSync('pkg-config', ['--exists', 'libtraceevent']).status !== 0) {
  console.error('bench: libtraceevent is missing: apt-get install -y libtraceevent-dev');
  process.exit(2);
}
if (!fs.existsSync(path.join(TREE_612, 'Makefile'))) {
  console.error(`bench: ${TREE_612} is missing: run npm run kernels`);
  process.exit(2);
}

/** Runs a command REPS times (after one warm-up), returns seconds: median, min, max. */
function time(argv, { reps = REPS, cwd = ROOT } = {}) {
  const once = () => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), { cwd, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0 && r.status !== 1) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr}`);
    return s;
  };
  once();
  const xs = Array.from({ length: reps }, once).sort((a, b) => a - b);
  return { median: xs[Math.floor(xs.length / 2)], min: xs[0], max: xs[xs.length - 1] };
}

/** Peak resident memory (MB) of one run, from GNU time. */
function peakRss(argv) {
  const r = spawnSync('/usr/bin/time', ['-v', ...argv], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return m ? Number(m[1]) / 1024 : NaN;
}

function bytesOf(dir) {
  return Number(execFileSync('du', ['-sb', '--exclude=.git', dir], { encoding: 'utf8' }).split('\t')[0]);
}

const fmt = (t) => `${t.median.toFixed(2)} s (${t.min.toFixed(2)}–${t.max.toFixed(2)})`;
const rows = [];
const row = (what, ours, base, target) => {
  const ratio = base ? ours.median / base.median : undefined;
  rows.push({ what, ours: fmt(ours), base: base ? fmt(base) : '—', ratio: ratio ? `${ratio.toFixed(2)}×` : '—', target, met: target ? (ratio !== undefined ? ratio <= Number(target.replace(/[^0-9.]/g, '')) : ours.median <= Number(target.replace(/[^0-9.]/g, ''))) : undefined });
  console.log(`${what}: ${fmt(ours)}${base ? ` vs ${fmt(base)} = ${ratio.toFixed(2)}×` : ''}`);
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-bench-'));
try {
  // 1. Whole-tree extract vs ripgrep doing the same text scans (definition files; trace_*( call sites).
  const treeOut = path.join(tmp, 't612.json.gz');
  const extract = time([...TPDRIFT, 'extract', TREE_612, '-o', treeOut]);
  const rg = time(['sh', '-c', `rg -l --no-messages -g '*.[ch]' -e 'TRACE_EVENT|DECLARE_EVENT_CLASS|DECLARE_TRACE|define TRACE_SYSTEM' '${TREE_612}' >/dev/null; rg -o --no-messages -g '*.[ch]' -e '\\btrace_[A-Za-z0-9_]+\\s*\\(' '${TREE_612}' >/dev/null`]);
  row('extract of the Debian 6.12 tree vs ripgrep (rg -l definitions + rg -o call sites)', extract, rg, '≤ 1.5×');

  // 2. Two-tree diff (from the committed snapshots) and its peak memory; and from the trees themselves.
  const snaps = ['snapshots/debian-linux-source-6.1.176.json.gz', 'snapshots/debian-linux-source-6.12.117.json.gz'];
  const diffTrees = time([...TPDRIFT, 'diff', ...snaps, '-f', 'json', '-o', path.join(tmp, 'd.json')]);
  row('diff of two whole-tree snapshots (6.1 → 6.12), whole process', diffTrees, undefined, '≤ 0.3 s');
  const rss = peakRss([...TPDRIFT, 'diff', ...snaps, '-f', 'json', '-o', path.join(tmp, 'd2.json')]);
  const rssTrees = peakRss([...TPDRIFT, 'diff', path.join(CACHE, 'trees', 'linux-source-6.1'), TREE_612, '-f', 'json', '-o', path.join(tmp, 'd3.json')]);
  console.log(`peak RSS: snapshot diff ${rss.toFixed(0)} MB, tree diff ${rssTrees.toFixed(0)} MB`);

  // 3. Capture extract vs libtraceevent on the same 2,323 files (unpacked once to a directory).
  const cap = path.join(tmp, 'capture');
  fs.mkdirSync(cap);
  execFileSync('tar', ['-xzf', path.join(ROOT, 'test/fixtures/tracefs-linux-6.18.44-x86_64.tar.gz'), '-C', cap]);
  const tep = path.join(tmp, 'tep-parse');
  execFileSync('sh', ['-c', `cc -O2 -o '${tep}' '${path.join(ROOT, 'bench/tep-parse.c')}' $(pkg-config --cflags --libs libtraceevent)`]);
  const capOurs = time([...TPDRIFT, 'extract', cap, '-o', path.join(tmp, 'cap.json')], { reps: REPS * 3 });
  const capTep = time([tep, path.join(cap, 'events')], { reps: REPS * 3 });
  row('extract of the real 6.18.44 capture (2,323 format files) vs libtraceevent', capOurs, capTep, '≤ 1.5×');

  // 4. Snapshot diff as a whole process (the committed capture snapshot against itself and the 6.12 tree).
  const capSnap = 'snapshots/linux-6.18.44-x86_64.tracefs.json';
  row('diff of two capture snapshots (6.18.44 against itself), whole process', time([...TPDRIFT, 'diff', capSnap, capSnap], { reps: REPS * 3 }), undefined, '≤ 0.3 s');

  // 5. Growth: extraction time against the bytes below the root.
  const growth = [];
  for (const sub of ['include', 'fs', 'drivers', '.']) {
    const dir = path.join(TREE_612, sub);
    const t = time([...TPDRIFT, 'extract', dir, '--kind', 'tree', '-o', path.join(tmp, 'g.json.gz')], { reps: 1 });
    growth.push({ sub, bytes: bytesOf(dir), t });
    console.log(`growth ${sub}: ${(bytesOf(dir) / 1e6).toFixed(0)} MB in ${t.median.toFixed(2)} s`);
  }

  const today = new Date().toISOString().slice(0, 10);
  const md = [
    '# Benchmark',
    '',
    `Measured by \`npm run bench\` on ${today}: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB,`,
    `Node ${process.version}, warm page cache, ${REPS} repetitions after a warm-up (capture and snapshot rows ${REPS * 3}); median (min–max), whole processes.`,
    'Baselines run in the same invocation on the same files.',
    '',
    '| what | tpdrift | baseline | ratio | target | met |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.what} | ${r.ours} | ${r.base} | ${r.ratio} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : '**no**'} |`),
    `| peak RSS, diff of the two tree snapshots | ${rss.toFixed(0)} MB | | | ≤ 400 MB | ${rss <= 400 ? 'yes' : '**no**'} |`,
    `| peak RSS, diff of the two trees themselves (6.1 → 6.12, extraction included) | ${rssTrees.toFixed(0)} MB | | | ≤ 400 MB | ${rssTrees <= 400 ? 'yes' : '**no**'} |`,
    '',
    '## How cost grows',
    '',
    '| below | bytes | extract time | µs per KB |',
    '|---|---|---|---|',
    ...growth.map((g) => `| ${g.sub === '.' ? 'whole tree' : g.sub + '/'} | ${(g.bytes / 1e6).toFixed(0)} MB | ${g.t.median.toFixed(2)} s | ${((g.t.median * 1e6) / (g.bytes / 1024)).toFixed(1)} |`),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(ROOT, 'docs', 'bench.md'), md + (process.env.BENCH_NOTE ? `\n${process.env.BENCH_NOTE}\n` : ''));
  console.log(`\nwrote docs/bench.md`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
