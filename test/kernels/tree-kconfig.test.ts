/**
 * `--kconfig`: Debian's trees read with the .config of a Debian build (the boot/config-* of the linux-image
 * packages scripts/fetch-images.mjs fetches), and "which events exist" compared with that build's BTF event list.
 * Over every event name the tree defines (syscalls aside: BTF has none), a name is predicted built or not, and
 * the build has it or not. What the tree cannot tell is predicted built, so a miss is only ever "predicted, not
 * built", never the other way. The figures are the ones docs/tree-extraction.md reports (floors).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTree } from '../../src/sources/tree/index.js';
import { loadSource } from '../../src/sources/registry.js';
import { compareSnapshots } from '../../src/diff/compare.js';
import { runDiff } from '../../src/engine/run.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import type { TreeArch } from '../../src/sources/tree/arch.js';
import { CACHE, treePath } from './trees.js';

interface Build {
  id: string;
  tree: string;
  arch: TreeArch;
  image: string;
  config: string;
  /** Measured: agreement with the build's BTF event list, and the same with every definition taken as built. */
  agree: number;
  baseline: number;
}

const BUILDS: Build[] = [
  { id: 'generic61', tree: 'linux-source-6.1', arch: 'x86_64', image: 'linux-image-6.1.0-50-amd64-unsigned_6.1.176-1', config: 'config-6.1.0-50-amd64', agree: 0.995, baseline: 0.8262 },
  { id: 'rt61', tree: 'linux-source-6.1', arch: 'x86_64', image: 'linux-image-6.1.0-50-rt-amd64-unsigned_6.1.176-1', config: 'config-6.1.0-50-rt-amd64', agree: 0.99, baseline: 0.8208 },
  { id: 'arm64', tree: 'linux-source-6.1', arch: 'arm64', image: 'linux-image-6.1.0-50-arm64-unsigned_6.1.176-1', config: 'config-6.1.0-50-arm64', agree: 0.99, baseline: 0.762 },
  { id: 'generic612', tree: 'linux-source-6.12', arch: 'x86_64', image: 'linux-image-6.12.117+deb12-amd64-unsigned_6.12.117-1~deb12u1', config: 'config-6.12.117+deb12-amd64', agree: 0.996, baseline: 0.7992 },
];

function imageDir(name: string): string {
  const dir = path.join(CACHE, 'images', name);
  if (!fs.existsSync(path.join(dir, '.tpdrift-complete'))) {
    throw new Error(`kernel image ${dir} is missing: run \`node scripts/fetch-images.mjs\` first (it downloads Debian's linux-image packages)`);
  }
  return dir;
}

const eventNames = (s: Snapshot) => new Set(s.events.filter((e) => e.kind !== 'syscall').map((e) => e.name));
const predicted = new Map<string, Snapshot>();
const built = new Map<string, Snapshot>();
const everything = new Map<string, Snapshot>();

beforeAll(async () => {
  for (const b of BUILDS) {
    if (!everything.has(`${b.tree}:${b.arch}`)) everything.set(`${b.tree}:${b.arch}`, await loadTree(treePath(b.tree), { arch: b.arch }));
    built.set(b.id, (await loadSource(imageDir(b.image))).snapshot);
  }
});

describe.sequential('tree + .config against the build\'s BTF: which events exist', () => {
  for (const b of BUILDS) {
    it(`${b.tree} --arch ${b.arch} --kconfig ${b.config}: agrees on ≥ ${(b.agree * 100).toFixed(1)} % of the tree's event names (all taken as built: ${(b.baseline * 100).toFixed(1)} %)`, async () => {
      const s = await loadTree(treePath(b.tree), { arch: b.arch, kconfig: path.join(imageDir(b.image), 'boot', b.config) });
      predicted.set(b.id, s);
      expect(s.kernel).toMatchObject({ kind: 'tree', arch: b.arch, kconfig: b.config });
      const universe = eventNames(everything.get(`${b.tree}:${b.arch}`)!);
      const mine = eventNames(s);
      const theirs = eventNames(built.get(b.id)!);
      let agree = 0;
      const predictedNotBuilt: string[] = [];
      const builtNotPredicted: string[] = [];
      for (const n of universe) {
        if (mine.has(n) === theirs.has(n)) agree++;
        else if (mine.has(n)) predictedNotBuilt.push(n);
        else builtNotPredicted.push(n);
      }
      const all = [...universe].filter((n) => theirs.has(n)).length;
      console.log(`${b.id}: ${universe.size} names; agree ${agree} (${((100 * agree) / universe.size).toFixed(2)} %), all-built ${all} (${((100 * all) / universe.size).toFixed(2)} %); predicted, not built: ${predictedNotBuilt.length} (${predictedNotBuilt.join(' ')})`);
      // Never "not built" for an event the build has.
      expect(builtNotPredicted).toEqual([]);
      expect(agree / universe.size).toBeGreaterThanOrEqual(b.agree);
      expect(all / universe.size).toBeLessThanOrEqual(b.baseline + 0.001);
    });
  }

  it('generic against PREEMPT_RT 6.1.176: the THP events only generic builds and the osnoise ones only RT does, as the builds say', () => {
    const only = (a: Set<string>, b: Set<string>) => [...a].filter((n) => !b.has(n)).sort();
    const [g, r] = [eventNames(predicted.get('generic61')!), eventNames(predicted.get('rt61')!)];
    const [bg, br] = [eventNames(built.get('generic61')!), eventNames(built.get('rt61')!)];
    expect(only(r, g)).toEqual(only(br, bg));
    expect(only(r, g)).toEqual(['irq_noise', 'nmi_noise', 'sample_threshold', 'softirq_noise', 'thread_noise']);
    const thp = ['hugepage_set_pmd', 'hugepage_update', 'mm_collapse_huge_page', 'mm_collapse_huge_page_isolate', 'mm_collapse_huge_page_swapin', 'mm_khugepaged_scan_file', 'mm_khugepaged_scan_pmd', 'remove_migration_pmd', 'set_migration_pmd'];
    expect(only(g, r)).toEqual(thp);
    // The builds also differ by i915's 23 events: the RT patch set (not in linux-source-6.1) disables them in
    // i915_trace.h, which the tree cannot know.
    const rest = only(bg, br).filter((n) => !thp.includes(n));
    expect(rest.length).toBe(23);
    expect(rest.every((n) => /^(i915_|intel_gpu_freq_change$)/.test(n))).toBe(true);
  });

  it('a diff of the two configurations\' predictions: removed and added as built, no condition-changed', () => {
    const findings = runDiff(compareSnapshots(predicted.get('generic61')!, predicted.get('rt61')!));
    expect(findings.filter((f) => f.rule === 'condition-changed')).toEqual([]);
    const events = (rule: string) => findings.filter((f) => f.rule === rule).flatMap((f) => f.events ?? [f.event]).map((e) => e.replace(/^.*:/, '')).sort();
    expect(events('event-added')).toEqual(['irq_noise', 'nmi_noise', 'sample_threshold', 'softirq_noise', 'thread_noise']);
    expect(events('event-removed')).toEqual(['hugepage_set_pmd', 'hugepage_update', 'mm_collapse_huge_page', 'mm_collapse_huge_page_isolate', 'mm_collapse_huge_page_swapin', 'mm_khugepaged_scan_file', 'mm_khugepaged_scan_pmd', 'remove_migration_pmd', 'set_migration_pmd']);
  });
});
