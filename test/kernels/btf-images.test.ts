/**
 * Debian's built kernels (scripts/fetch-images.mjs: linux-image-6.1.0-50-amd64-unsigned, its -rt- build, and
 * linux-image-6.12.117+deb12-amd64-unsigned), read whole as unpacked packages (vmlinuz + every module's split
 * BTF), against the committed snapshots of their own source trees and against each other. The figures asserted
 * here are the ones docs/btf.md reports (as floors where a better tree reader may raise them).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareSnapshots } from '../../src/diff/compare.js';
import { runDiff } from '../../src/engine/run.js';
import type { Finding } from '../../src/engine/finding.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { parseBtf } from '../../src/btf/btf.js';
import { loadSource } from '../../src/sources/registry.js';
// @ts-expect-error: a plain ES module script without types
import { measure } from '../../scripts/btf-accuracy.mjs';
import { CACHE } from './trees.js';

const IMAGES = {
  generic61: 'linux-image-6.1.0-50-amd64-unsigned_6.1.176-1',
  rt61: 'linux-image-6.1.0-50-rt-amd64-unsigned_6.1.176-1',
  generic612: 'linux-image-6.12.117+deb12-amd64-unsigned_6.12.117-1~deb12u1',
} as const;
const SNAPSHOTS = path.join(import.meta.dirname, '../../snapshots');

function imageDir(name: string): string {
  const dir = path.join(CACHE, 'images', name);
  if (!fs.existsSync(path.join(dir, '.tpdrift-complete'))) {
    throw new Error(`kernel image ${dir} is missing: run \`node scripts/fetch-images.mjs\` first (it downloads Debian's linux-image packages)`);
  }
  return dir;
}

const read = async (arg: string): Promise<Snapshot> => (await loadSource(arg)).snapshot;
const snaps: Partial<Record<keyof typeof IMAGES, Snapshot>> = {};
let tree61: Snapshot;
let tree612: Snapshot;

beforeAll(async () => {
  for (const [k, name] of Object.entries(IMAGES)) snaps[k as keyof typeof IMAGES] = await read(imageDir(name));
  tree61 = await read(path.join(SNAPSHOTS, 'debian-linux-source-6.1.176.json.gz'));
  tree612 = await read(path.join(SNAPSHOTS, 'debian-linux-source-6.12.117.json.gz'));
});

interface Measure {
  btfEvents: number;
  btfUnknownRecord: number;
  eventsCompared: number;
  layoutExact: number;
  notInTree: string[];
  kinds: { compared: number; agree: number };
  classes: { compared: number; agree: number };
  protos: { compared: number; exact: number };
  fields: { compared: number; name: number; dynamic: number };
}

describe('each Debian build against its own source tree (the tree\'s predictions, field by field)', () => {
  for (const [key, tree, expected] of [
    ['generic61', () => tree61, { events: 4142, unknown: 47 }],
    ['generic612', () => tree612, { events: 4778, unknown: 18 }],
  ] as const) {
    it(`${IMAGES[key]}: every tracepoint of vmlinux and the modules; kinds, classes, layouts and prototypes`, () => {
      const btf = snaps[key]!;
      expect(btf.kernel).toMatchObject({ kind: 'btf', arch: 'x86_64' });
      const m = measure(tree(), btf) as Measure;
      // The figures docs/btf.md reports, in the suite's log.
      const { fieldMisses: _f, eventMisses: _e, ...figures } = m as Measure & { fieldMisses: unknown; eventMisses: unknown };
      console.log(`${IMAGES[key]}: ${JSON.stringify({ ...figures, protos: { ...m.protos, misses: undefined }, classes: { ...m.classes, misses: undefined }, kinds: { ...m.kinds, misses: undefined } })}`);
      expect(m.btfEvents).toBe(expected.events);
      expect(m.btfUnknownRecord).toBe(expected.unknown);
      // The tree misses one header (drivers/net/wireless/ath/wil6210/trace.h): 15 events only the build has.
      expect(m.notInTree.length).toBeLessThanOrEqual(15);
      expect(m.kinds.agree).toBe(m.kinds.compared);
      expect(m.classes.agree / m.classes.compared).toBeGreaterThanOrEqual(0.999);
      expect(m.layoutExact / m.eventsCompared).toBeGreaterThanOrEqual(0.95);
      expect(m.fields.name).toBe(m.fields.compared);
      expect(m.fields.dynamic).toBe(m.fields.compared);
      expect(m.protos.exact / m.protos.compared).toBeGreaterThanOrEqual(0.99);
      expect(btf.header.common).toEqual(tree().header.common.map(({ name, type, size, offset, signed }) => ({ name, type, size, offset, signed })));
    });
  }
});

describe('generic against PREEMPT_RT 6.1.176', () => {
  it('reads the RT build\'s 12-byte trace_entry', () => {
    expect(snaps.rt61!.header.common.map((f) => `${f.name}@${f.offset}:${f.size}`)).toEqual([
      'common_type@0:2', 'common_flags@2:1', 'common_preempt_count@3:1', 'common_pid@4:4', 'common_preempt_lazy_count@8:1',
    ]);
  });

  it('the common header change is one finding; the rest are the configurations\' real differences', () => {
    const findings = runDiff(compareSnapshots(snaps.generic61!, snaps.rt61!));
    const by = (rule: string) => findings.filter((f: Finding) => f.rule === rule);
    expect(by('common-fields-changed')).toHaveLength(1);
    // PREEMPT_RT 6.1 turns off DRM_I915 and TRANSPARENT_HUGEPAGE, and turns on the osnoise tracer.
    // One finding per class, each listing its events.
    const removed = by('event-removed').flatMap((f) => f.events ?? [f.event]);
    expect(removed.length).toBeGreaterThanOrEqual(27);
    expect(removed.map((e) => e.replace(/^:/, '')).every((e) => /^(i915_|intel_gpu_freq_change|hugepage_|mm_collapse_huge_page|mm_khugepaged_|(set|remove)_migration_pmd)/.test(e))).toBe(true);
    expect(by('event-added').map((f) => f.event).sort()).toEqual([':irq_noise', ':nmi_noise', ':sample_threshold', ':softirq_noise', ':thread_noise']); // no system: BTF has none
    expect(by('proto-changed')).toEqual([]);
    const rest = findings.filter((f) => !['common-fields-changed', 'event-removed', 'event-added', 'field-offset-changed'].includes(f.rule));
    expect(rest).toEqual([]);
    // Two records whose fields the header fold places by natural alignment, where BTF says the compiler put them.
    expect(by('field-offset-changed').length).toBeLessThanOrEqual(2);
  });
});

describe('6.1.176 against 6.12.117 builds: prototype changes as the trees say', () => {
  it('every proto-changed between the builds is one the trees find, with the same arguments', () => {
    const protos = (f: Finding[]) => new Map(f.filter((x) => x.rule === 'proto-changed').flatMap((x) => (x.events ?? [x.event]).map((e) => [e.replace(/^.*:/, ''), JSON.stringify([x.old, x.new])] as const)));
    const built = protos(runDiff(compareSnapshots(snaps.generic61!, snaps.generic612!)));
    const trees = protos(runDiff(compareSnapshots(tree61, tree612)));
    expect(built.size).toBeGreaterThanOrEqual(200);
    const missing = [...built.keys()].filter((e) => !trees.has(e));
    expect(missing).toEqual([]);
    const differ = [...built.keys()].filter((e) => built.get(e) !== trees.get(e));
    // Spelled differently only: BTF says unsigned long for pgoff_t and drops __user.
    expect(differ.sort()).toEqual(['binder_update_page_range', 'f2fs_filemap_fault', 'f2fs_vm_page_mkwrite']);
  });
});

describe('the BTF reader against bpftool on the real 6.18.44 BTF', () => {
  it('the same number of types, and the same members and offsets of the structs a trace event is read through', () => {
    const xz = path.join(import.meta.dirname, '../fixtures/btf-vmlinux-6.18.44-x86_64.xz');
    const file = path.join(fs.mkdtempSync(path.join(CACHE, '.btf-')), 'vmlinux');
    fs.writeFileSync(file, execFileSync('xz', ['-dc', xz], { maxBuffer: 64 << 20 }));
    const dump = JSON.parse(execFileSync('bpftool', ['-j', 'btf', 'dump', 'file', file], { maxBuffer: 512 << 20 }).toString()) as { types: { id: number; kind: string; name: string; size?: number; members?: { name: string; type_id: number; bits_offset: number; bitfield_size?: number }[] }[] };
    const btf = parseBtf(fs.readFileSync(file), { file });
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    expect(btf.typeCount - 1).toBe(dump.types.length);
    const kinds = new Map<string, number>();
    for (const t of dump.types) kinds.set(t.kind, (kinds.get(t.kind) ?? 0) + 1);
    const mine = new Map<string, number>();
    for (const t of btf.ownTypes()) mine.set(t.kind.toUpperCase(), (mine.get(t.kind.toUpperCase()) ?? 0) + 1);
    expect(Object.fromEntries(mine)).toEqual(Object.fromEntries(kinds));
    for (const t of dump.types.filter((x) => x.kind === 'STRUCT' && /^(trace_event_raw_|trace_entry$|task_struct$|sk_buff$)/.test(x.name))) {
      const m = btf.members(t.id).map((x) => ({ name: x.name, type_id: x.type, bits_offset: x.bitOffset, ...(x.bitfieldSize ? { bitfield_size: x.bitfieldSize } : {}) }));
      expect(m, t.name).toEqual(t.members!.map((x) => ({ name: x.name === '(anon)' ? '' : x.name, type_id: x.type_id, bits_offset: x.bits_offset, ...(x.bitfield_size ? { bitfield_size: x.bitfield_size } : {}) })));
      expect(btf.sizeOf(t.id)).toBe(t.size);
    }
  });
});
