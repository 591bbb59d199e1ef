/**
 * Determinism: the same input gives byte-identical output (snapshot, every report format, gzip) whatever
 * order the file system or the archive lists its entries in, however many workers read a tree, and whatever
 * the time zone and locale. Inputs: the real 6.18.44 capture, the committed Debian 6.12 snapshot, the real
 * 6.12 headers in test/fixtures/tree-real. (Shuffling the in-memory file Map is in ./properties.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { CAPTURE_6_18, capture618 } from '../helpers/captures.js';
import { tarGz } from './tar-builder.js';
import { runCli } from '../helpers/cli.js';

const ROOT = path.join(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/tpdrift.js');
const OLD = path.join(ROOT, 'snapshots/debian-linux-source-6.12.117.json.gz');
const FORMATS = ['text', 'json', 'sarif', 'markdown', 'github', 'html'];
let tmp: string;
let entries: [string, Buffer][];
/** The committed 6.12 tree snapshot and 6.18.44 capture snapshot cut to a few systems (same data, faster runs). */
let smallOld: string;
let smallNew: string;
const SYSTEMS = new Set(['sched', 'irq', 'timer', 'block', 'writeback', 'workqueue', 'net', 'skb', 'sock', 'tcp', 'kmem', 'signal']);

const run = (args: string[]) => runCli(args, { cwd: tmp });

/** A deterministic shuffle (mulberry32), so that a failure can be reproduced. */
function shuffled<T>(list: T[], seed: number): T[] {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Writes `cap.tar.gz` (same base name everywhere: the snapshot records it) holding the members in this order. */
function tarIn(dir: string, members: [string, Buffer][]): string {
  fs.mkdirSync(path.join(tmp, dir), { recursive: true });
  const p = path.join(tmp, dir, 'cap.tar.gz');
  fs.writeFileSync(p, tarGz(members.map(([name, data]) => ({ name, text: data.toString('utf8') }))));
  return p;
}

/** Writes the capture as a directory `cap`, creating entries in this order. */
function dirIn(dir: string, members: [string, Buffer][]): string {
  const root = path.join(tmp, dir, 'cap');
  for (const [name, data] of members) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), data);
  }
  return root;
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-determinism-'));
  entries = [...(await capture618()).files].sort(([a], [b]) => (a < b ? -1 : 1));
  const cut = (from: string, to: string) => {
    const raw = fs.readFileSync(from);
    const s = JSON.parse((from.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8')) as { events: { system: string }[] };
    s.events = s.events.filter((e) => SYSTEMS.has(e.system));
    fs.writeFileSync(to, JSON.stringify(s));
    return to;
  };
  smallOld = cut(OLD, path.join(tmp, 'old-6.12.json'));
  smallNew = cut(path.join(ROOT, 'snapshots/linux-6.18.44-x86_64.tracefs.json'), path.join(tmp, 'new-6.18.json'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('entry order does not change a byte', () => {
  it('archives whose members come in sorted, reversed and shuffled order give one snapshot, equal to the real archive', async () => {
    const real = path.join(tmp, 'real', 'cap.tar.gz');
    fs.mkdirSync(path.dirname(real));
    fs.copyFileSync(CAPTURE_6_18, real);
    const inputs = [real, tarIn('reversed', [...entries].reverse()), tarIn('shuffled', shuffled(entries, 1))];
    const outputs = await Promise.all(inputs.map((p) => run(['extract', p])));
    for (const o of outputs) expect(o.code).toBe(0);
    expect(outputs[0]!.stdout.length).toBeGreaterThan(1_000_000);
    expect(JSON.parse(outputs[0]!.stdout).events).toHaveLength(2323);
    for (const o of outputs.slice(1)) expect(o.stdout).toBe(outputs[0]!.stdout);
  });

  it('directories written in different orders give the same snapshot as the archive', async () => {
    // Only the sched, irq and timer systems and the headers: a full capture takes ~10 s to delete here.
    const some = entries.filter(([k]) => /^events\/(sched|irq|timer)\//.test(k) || !k.includes('/format'));
    const a = dirIn('dir-forward', some);
    const b = dirIn('dir-shuffled', shuffled(some, 7));
    const c = path.join(tmp, 'dir-archive', 'cap.tar.gz');
    fs.mkdirSync(path.dirname(c));
    fs.writeFileSync(c, tarGz(shuffled(some, 8).map(([name, data]) => ({ name, text: data.toString('utf8') }))));
    const [ra, rb, rc] = [await run(['extract', a]), await run(['extract', b]), await run(['extract', c])];
    expect(ra.code).toBe(0);
    // The snapshot names the capture by its base name (`cap` for both directories, `cap.tar.gz` for the archive).
    expect(rb.stdout).toBe(ra.stdout);
    expect(rc.stdout.replace('"source": "cap.tar.gz"', '"source": "cap"')).toBe(ra.stdout);
  });

  it('reports are identical whichever member order the new side was read in', async () => {
    const some = entries.filter(([k]) => SYSTEMS.has(k.split('/')[1]!) || !k.includes('/format'));
    const news = [tarIn('report-a', shuffled(some, 3)), tarIn('report-b', [...some].reverse())];
    for (const format of ['text', 'json', 'sarif']) {
      const [a, b] = [await run(['diff', smallOld, news[0]!, '-f', format, '--fail-on', 'none']), await run(['diff', smallOld, news[1]!, '-f', format, '--fail-on', 'none'])];
      expect(a.code).toBe(0);
      expect(a.stdout.length).toBeGreaterThan(1000);
      expect(b.stdout.replace(/report-b/g, 'report-a')).toBe(a.stdout);
    }
  });

  it('the same run twice in one process gives the same bytes (no state left behind)', async () => {
    const args = ['diff', smallOld, smallNew, '-f', 'json', '--fail-on', 'none'];
    const [a, b] = [await run(args), await run(args)];
    expect(b.stdout).toBe(a.stdout);
  });
});

describe('time zone, locale and clock', () => {
  /** One child process per zone renders every report format of a real diff and writes a .json.gz snapshot. */
  const childScript = () => {
    const file = path.join(tmp, 'zone-child.mjs');
    fs.writeFileSync(
      file,
      `import fs from 'node:fs';
      const { main } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/cli/main.js'))});
      const [out, oldSide, newSide, capture] = process.argv.slice(2);
      fs.mkdirSync(out, { recursive: true });
      for (const format of ${JSON.stringify(FORMATS)}) {
        let text = '';
        const io = { stdout: (s) => (text += s), stderr: (s) => process.stderr.write(s), stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: out };
        await main(['diff', oldSide, newSide, '-f', format, '--fail-on', 'none'], io);
        fs.writeFileSync(out + '/report.' + format, text);
      }
      await main(['extract', capture, '-o', out + '/snap.json.gz'], { stdout: () => {}, stderr: (s) => process.stderr.write(s), stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: out });`,
    );
    return file;
  };
  const zones = [
    { TZ: 'UTC', LANG: 'C' },
    { TZ: 'Asia/Kathmandu', LANG: 'ja_JP.UTF-8', LC_ALL: 'tr_TR.UTF-8' },
  ];

  it('every report format and a .json.gz snapshot are byte-identical across zones, locales and seconds', async () => {
    const script = childScript();
    const dirs = [];
    for (const [i, z] of zones.entries()) {
      if (i > 0) await new Promise((r) => setTimeout(r, 1100)); // a second later: a timestamp would show
      const out = path.join(tmp, `zone-${i}`);
      const r = spawnSync(process.execPath, [script, out, smallOld, smallNew, CAPTURE_6_18], { env: { PATH: process.env.PATH ?? '', ...z }, encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      dirs.push(out);
    }
    for (const f of [...FORMATS.map((x) => `report.${x}`), 'snap.json.gz']) {
      const [a, b] = dirs.map((d) => fs.readFileSync(path.join(d, f)));
      expect(a!.length).toBeGreaterThan(1000);
      expect(a!.equals(b!), f).toBe(true);
    }
    expect(fs.readFileSync(path.join(dirs[0]!, 'snap.json.gz')).readUInt32LE(4)).toBe(0); // gzip MTIME field
  });
});

describe('worker count', () => {
  /** The snapshot of `tree` read by the compiled module with `workers` file-pass threads, serialized. */
  const readWith = (tree: string, workers: number[], parseCache: string | false = false): string[] => {
    // Workers start only from the compiled module, so this runs on dist/ in a child process.
    const script = path.join(tmp, 'workers-child.mjs');
    fs.writeFileSync(
      script,
      `const { loadTree } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/sources/tree/index.js'))});
      const { serializeSnapshot } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/model/canonical.js'))});
      const cache = process.argv[3] === 'off' ? false : process.argv[3];
      process.stdout.write(serializeSnapshot(await loadTree(${JSON.stringify(tree)}, { workers: Number(process.argv[2]), parseCache: cache })));`,
    );
    return workers.map((w) => {
      const r = spawnSync(process.execPath, [script, String(w), parseCache === false ? 'off' : parseCache], { encoding: 'utf8', maxBuffer: 64 << 20 });
      expect(r.stderr).toBe('');
      return r.stdout;
    });
  };

  it('a real tree (6.12 sched, mac80211, iwlwifi headers) reads the same in-process and with 3 workers', () => {
    const outs = readWith(path.join(ROOT, 'test/fixtures/tree-real/linux-6.12'), [0, 3]);
    expect(JSON.parse(outs[0]!).events.length).toBeGreaterThan(50);
    for (const o of outs.slice(1)) expect(o).toBe(outs[0]);
  });

  it('with a large register header, scanned in two parts by whichever threads take them, the same in-process, with 2 and 3 workers, cached or not', () => {
    // The headers of 256 KB and more are scanned without their defined names first and hashed at the end of the
    // pass, while the units are read ahead: the constant such a header declares must still size the field.
    const tree = path.join(tmp, 'tree-split');
    fs.rmSync(tree, { recursive: true, force: true });
    fs.cpSync(path.join(ROOT, 'test/fixtures/tree-real/linux-6.12'), tree, { recursive: true });
    const regs = Array.from({ length: 20_000 }, (_, i) => `#define MAC80211_REG_${i}\t0x${(i * 4).toString(16)}\n`).join('');
    fs.writeFileSync(path.join(tree, 'net/mac80211/regs.h'), `${regs}#define MAC80211_REGS_LEN 40\n`);
    fs.writeFileSync(
      path.join(tree, 'net/mac80211/regs_trace.h'),
      ['#undef TRACE_SYSTEM', '#define TRACE_SYSTEM mac80211_regs', '#include <linux/tracepoint.h>', 'TRACE_EVENT(mac80211_regs_dump,',
        '\tTP_PROTO(int v),', '\tTP_ARGS(v),', '\tTP_STRUCT__entry(__array(u8, regs, MAC80211_REGS_LEN)),', '\tTP_fast_assign(__entry->regs[0] = v;),',
        '\tTP_printk("%d", __entry->regs[0])', ');', '#include <trace/define_trace.h>', ''].join('\n'),
    );
    expect(fs.statSync(path.join(tree, 'net/mac80211/regs.h')).size).toBeGreaterThan(256 * 1024);
    const cache = path.join(tmp, 'split-cache');
    const outs = [...readWith(tree, [0, 2, 3]), ...readWith(tree, [2, 2], cache)];
    const regsField = (JSON.parse(outs[0]!) as { events: { name: string; fields: { name: string; size: number }[] }[] }).events
      .find((e) => e.name === 'mac80211_regs_dump')?.fields.find((f) => f.name === 'regs');
    expect(regsField?.size).toBe(40);
    for (const o of outs.slice(1)) expect(o).toBe(outs[0]);
  });
});
