/**
 * `--arch`: the 6.1.176 tree predicted for arm64, i386 and arm against real kernels of those architectures.
 *
 * - arm64: Debian's linux-image-6.1.0-50-arm64-unsigned (scripts/fetch-images.mjs), the same 6.1.176 built for
 *   arm64, read whole (its vmlinuz is an arm64 Image, plus every module's split BTF): field by field as
 *   test/kernels/btf-images.test.ts measures x86_64 against its own build.
 * - i386 and arm: Debian builds them without CONFIG_DEBUG_INFO_BTF (686-pae, armmp), so the oracle is the public
 *   captures of real 32-bit kernels (i686 4.13.9, armv7l 3.10–4.14), on the fields those kernels declare with the
 *   same names and types as 6.1 (compareUnchangedFields).
 *
 * Each prediction is also measured with the default x86_64 rules, which must be clearly worse: the tests fail
 * if --arch changes nothing. Figures are the ones docs/tree-extraction.md reports (floors where noted).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTree } from '../../src/sources/tree/index.js';
import { main } from '../../src/cli/main.js';
import { loadSource } from '../../src/sources/registry.js';
import { architectureWarning, wordSize } from '../../src/model/arch.js';
import type { EventDef, Snapshot } from '../../src/model/snapshot.js';
import type { TreeArch } from '../../src/sources/tree/arch.js';
// @ts-expect-error: a plain ES module script without types
import { measure } from '../../scripts/btf-accuracy.mjs';
import { unpackPublicCaptures } from '../helpers/captures.js';
import { compareUnchangedFields, pickFor } from './compare.js';
import { CACHE, treePath } from './trees.js';

const ARM64_IMAGE = 'linux-image-6.1.0-50-arm64-unsigned_6.1.176-1';
const SNAP_61 = path.join(import.meta.dirname, '../../snapshots/debian-linux-source-6.1.176.json.gz');
const SYMBOL: Record<TreeArch, string> = { x86_64: 'X86', i386: 'X86', arm64: 'ARM64', arm: 'ARM' };

function imageDir(name: string): string {
  const dir = path.join(CACHE, 'images', name);
  if (!fs.existsSync(path.join(dir, '.tpdrift-complete'))) {
    throw new Error(`kernel image ${dir} is missing: run \`node scripts/fetch-images.mjs\` first (it downloads Debian's linux-image packages)`);
  }
  return dir;
}

const trees = new Map<TreeArch, Snapshot>();
let pub: string;
beforeAll(async () => {
  trees.set('x86_64', (await loadSource(SNAP_61)).snapshot);
  pub = unpackPublicCaptures();
});
afterAll(() => fs.rmSync(pub, { recursive: true, force: true }));

describe.sequential('the 6.1.176 tree predicted for each architecture', () => {
  for (const arch of ['arm64', 'i386', 'arm'] as const) {
    it(`--arch ${arch}: the snapshot says so, with no problems, and its word size shows in its own formats`, async () => {
      const s = await loadTree(treePath('linux-source-6.1'), { arch });
      trees.set(arch, s);
      expect(s.kernel).toEqual({ source: 'linux-source-6.1', kind: 'tree', release: '6.1.176', arch });
      expect(s.problems ?? []).toEqual([]);
      expect(wordSize(s)).toBe(arch === 'arm64' ? 8 : 4);
      const read = s.events.find((e) => e.name === 'sys_enter_read')!;
      const w = arch === 'arm64' ? 8 : 4;
      expect(read.fields.map((f) => `${f.name}@${f.offset}+${f.size}`)).toEqual(['__syscall_nr@8+4', `fd@${8 + w}+${w}`, `buf@${8 + 2 * w}+${w}`, `count@${8 + 3 * w}+${w}`]);
    });
  }

  it('each architecture has its own syscalls (its table), not x86_64\'s', () => {
    const syscalls = (a: TreeArch) => new Set(trees.get(a)!.events.filter((e) => e.kind === 'syscall').map((e) => e.name));
    // Measured: x86_64 690, arm64 608, i386 836, arm 782 syscall events.
    expect(Object.fromEntries((['x86_64', 'arm64', 'i386', 'arm'] as const).map((a) => [a, syscalls(a).size]))).toEqual({ x86_64: 690, arm64: 608, i386: 836, arm: 782 });
    expect(syscalls('arm64').has('sys_enter_open')).toBe(false); // the generic table has openat only
    expect(syscalls('x86_64').has('sys_enter_open')).toBe(true);
    expect(syscalls('i386').has('sys_enter_stat64')).toBe(true);
    expect(syscalls('arm').has('sys_enter_stat64')).toBe(true);
    expect(syscalls('x86_64').has('sys_enter_stat64')).toBe(false);
    expect(syscalls('x86_64').has('sys_enter_arch_prctl')).toBe(true);
    expect(syscalls('arm64').has('sys_enter_arch_prctl')).toBe(false);
  });
});

describe('arm64: against the same kernel built for arm64 (its BTF)', () => {
  let btf: Snapshot;
  beforeAll(async () => {
    btf = (await loadSource(imageDir(ARM64_IMAGE))).snapshot;
  });

  it('reads the arm64 Image (no bzImage, no ELF) and every module', () => {
    expect(btf.kernel).toEqual({ source: imageDir(ARM64_IMAGE), kind: 'btf', release: '6.1.0-50-arm64', arch: 'aarch64' });
    expect(btf.events.length).toBe(3821);
  });

  it('layouts predicted with --arch arm64: 99.0 % exact (x86_64 rules: 84.1 %, plain char taken as signed)', () => {
    const m = measure(trees.get('arm64')!, btf);
    const x = measure(trees.get('x86_64')!, btf);
    const figures = (r: typeof m) => ({ compared: r.eventsCompared, exact: r.layoutExact, rate: +(r.layoutExact / r.eventsCompared).toFixed(4), signed: r.fields.signed, fields: r.fields.compared });
    console.log(`arm64 BTF: --arch arm64 ${JSON.stringify(figures(m))}; x86_64 ${JSON.stringify(figures(x))}`);
    expect(m.eventsCompared).toBeGreaterThanOrEqual(3700);
    expect(m.kinds.agree).toBe(m.kinds.compared);
    expect(m.classes.agree).toBe(m.classes.compared);
    expect(m.fields.name).toBe(m.fields.compared);
    expect(m.layoutExact / m.eventsCompared).toBeGreaterThanOrEqual(0.985);
    // Every field's signedness but two (binder_uintptr_t, whose typedef depends on a config option).
    expect(m.fields.compared - m.fields.signed).toBeLessThanOrEqual(2);
    expect(x.layoutExact / x.eventsCompared).toBeLessThanOrEqual(0.9);
    expect(btf.header.common).toEqual(trees.get('arm64')!.header.common.map(({ name, type, size, offset, signed }) => ({ name, type, size, offset, signed })));
  });

  it('the architecture warning: silent for --arch arm64 against the aarch64 build, said for the x86_64 prediction', () => {
    expect(architectureWarning(trees.get('arm64')!, btf)).toBeUndefined();
    expect(architectureWarning(btf, trees.get('arm64')!)).toBeUndefined();
    expect(architectureWarning(trees.get('x86_64')!, btf)).toMatch(/^the sides are built for different architectures \(old: x86_64, 8-byte long; new: aarch64, 8-byte long\)/);
  });
});

describe('public captures of real arm64, 32-bit ARM and i686 kernels: the fields they declare as 6.1 does', () => {
  // [capture, architecture, fields exact with --arch, fields compared, exact with the x86_64 rules] (measured)
  const CASES: [string, TreeArch, number, number, number][] = [
    ['tracedat-labsisop-4.13.9-i686', 'i386', 7, 7, 3],
    ['tracedat-elainecole-4.14.62-v7-armv7l', 'arm', 7, 7, 2],
    ['tracedat-hebel23-4.14.15-wega-armv7l', 'arm', 20, 20, 14],
    ['perfetto-seed-3.10.49', 'arm', 915, 919, 500],
    ['lisa-2015-02-24-tests_trace-c54b5e20-unknownkernel', 'arm', 956, 1027, 488],
    ['perfetto-raven-5.10.43', 'arm64', 5139, 5159, 4210],
    ['perfetto-walleye-4.4.88', 'arm64', 1499, 1503, 1210],
    ['perfetto-flounder_lte-3.10.40', 'arm64', 1274, 1279, 971],
    ['lisa-2017-05-19-tests_lisa_traces_sched_load_trace-0456cd04-unknownkernel', 'arm64', 1618, 1618, 1405],
  ];
  for (const [name, arch, exact, compared, x86] of CASES) {
    it(`${name}: --arch ${arch} ${exact}/${compared} fields exact; x86_64 rules ${x86}`, async () => {
      const cap = (await loadSource(path.join(pub, name))).snapshot;
      const mine = compareUnchangedFields(trees.get(arch)!, cap, pickFor(SYMBOL[arch]));
      const theirs = compareUnchangedFields(trees.get('x86_64')!, cap, pickFor('X86'));
      expect(mine.fields).toBe(compared);
      expect(mine.exact).toBeGreaterThanOrEqual(exact);
      expect(theirs.exact).toBeLessThanOrEqual(x86);
      expect(theirs.exact / theirs.fields).toBeLessThan(mine.exact / mine.fields - 0.04);
    });
  }

  it('the arm64 syscall table against a real arm64 capture\'s 254 syscalls (lisa 2016, Juno)', async () => {
    const cap = (await loadSource(path.join(pub, 'lisa-2016-10-18-tests_trace_idle-a2b1d661-unknownkernel'))).snapshot;
    const names = (s: Snapshot, sys: boolean) => new Map(s.events.filter((e) => e.system === 'syscalls' && (!sys || e.kind === 'syscall')).map((e) => [e.name, e] as [string, EventDef]));
    const captured = names(cap, false);
    const arm64 = names(trees.get('arm64')!, true);
    const x86 = names(trees.get('x86_64')!, true);
    const enter = [...captured.keys()].filter((n) => n.startsWith('sys_enter_'));
    expect(enter.length).toBe(254);
    // lookup_dcookie went with oprofile (5.12): the one the capture has and 6.1 cannot.
    expect(enter.filter((n) => !arm64.has(n))).toEqual(['sys_enter_lookup_dcookie']);
    // x86_64's table has legacy calls arm64 never had (open, fork, ...): the generic table has none of them.
    const legacy = ['sys_enter_open', 'sys_enter_fork', 'sys_enter_access', 'sys_enter_pipe', 'sys_enter_poll', 'sys_enter_select'];
    expect(legacy.filter((n) => x86.has(n))).toEqual(legacy);
    expect(legacy.filter((n) => arm64.has(n) || captured.has(n))).toEqual([]);
    // Every argument (the first field was `nr` before it was `__syscall_nr`) at the offset and size the capture has.
    let args = 0;
    let same = 0;
    for (const [n, c] of captured) {
      const t = arm64.get(n);
      if (!t) continue;
      c.fields.slice(1).forEach((f, i) => {
        args++;
        const g = t.fields[i + 1];
        if (g && g.offset === f.offset && g.size === f.size) same++;
      });
    }
    expect(args).toBe(952);
    expect(same).toBe(args);
  });
});

describe('the CLI: --arch on diff, and the warning across architectures', () => {
  const run = async (args: string[]) => {
    let stderr = '';
    let stdout = '';
    const code = await main(args, { stdout: (x) => (stdout += x), stderr: (x) => (stderr += x), stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: process.cwd() });
    return { code, stdout, stderr: stderr.split('\n').filter((l) => l.includes('warning')).join('\n') };
  };
  it('a 32-bit ARM capture against the tree: warned with the default, silent with --arch arm', async () => {
    const cap = path.join(pub, 'tracedat-elainecole-4.14.62-v7-armv7l');
    const tree = treePath('linux-source-6.1');
    const x86 = await run(['diff', cap, tree, '--summary', '--fail-on', 'none']);
    expect(x86.stderr).toBe('tpdrift: warning: the sides are built for different architectures (old: 4-byte long; new: x86_64, 8-byte long): sizes and offsets of long, pointer and aligned fields differ by construction, not by a kernel change');
    const arm = await run(['diff', cap, tree, '--arch', 'arm', '--summary', '--fail-on', 'none']);
    expect(arm.code).toBe(0);
    expect(arm.stderr).toBe('');
  });
  it('the tree for arm64 against the arm64 build: silent; for x86_64: warned', async () => {
    const img = imageDir(ARM64_IMAGE);
    const tree = treePath('linux-source-6.1');
    expect((await run(['diff', tree, img, '--arch', 'arm64', '--summary', '--fail-on', 'none'])).stderr).toBe('');
    expect((await run(['diff', tree, img, '--summary', '--fail-on', 'none'])).stderr).toMatch(/^tpdrift: warning: the sides are built for different architectures \(old: x86_64, 8-byte long; new: aarch64, 8-byte long\)/);
  });
});
