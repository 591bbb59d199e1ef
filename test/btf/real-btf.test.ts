/**
 * The real 6.18.44 BTF (test/fixtures/btf-vmlinux-6.18.44-x86_64.xz, /sys/kernel/btf/vmlinux of the running
 * kernel the committed capture test/fixtures/tracefs-linux-6.18.44-x86_64.tar.gz was taken from) against that
 * capture: no drift finding, every event whose record BTF tells has the capture's layout, and what cannot be
 * compared is counted (docs/btf.md lists it).
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareSnapshots } from '../../src/diff/compare.js';
import { runDiff } from '../../src/engine/run.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { loadSource } from '../../src/sources/registry.js';
import { CAPTURE_6_18, FIXTURES } from '../helpers/captures.js';

export const BTF_6_18 = path.join(FIXTURES, 'btf-vmlinux-6.18.44-x86_64.xz');

let btf: Snapshot;
let cap: Snapshot;
beforeAll(async () => {
  btf = (await loadSource(BTF_6_18)).snapshot;
  cap = (await loadSource(CAPTURE_6_18)).snapshot;
});

describe('6.18.44: BTF against the capture of the same running kernel', () => {
  it('reads every tracepoint BTF has, with its prototype', () => {
    expect(btf.kernel.kind).toBe('btf');
    expect(btf.events.length).toBe(1601);
    expect(btf.events.every((e) => e.system === '' && e.proto !== undefined)).toBe(true);
    const sw = btf.events.find((e) => e.name === 'sched_switch')!;
    expect(sw.proto).toEqual([
      { type: 'bool', name: 'preempt' },
      { type: 'struct task_struct *', name: 'prev' },
      { type: 'struct task_struct *', name: 'next' },
      { type: 'unsigned int', name: 'prev_state' },
    ]);
  });

  it('has the capture\'s common header', () => {
    const strip = (s: Snapshot) => s.header.common.map(({ name, type, size, offset, signed }) => ({ name, type, size, offset, signed }));
    expect(strip(btf)).toEqual(strip(cap));
  });

  it('finds no drift, and compares the layout of every capture event whose record BTF tells', () => {
    const cmp = compareSnapshots(cap, btf);
    expect(cmp.pairedBy).toBe('name');
    const findings = runDiff(cmp);
    expect(findings).toEqual([]);
    const btfByName = new Map(btf.events.map((e) => [e.name, e]));
    const capEvents = cap.events.filter((e) => e.kind === 'event' && e.system !== 'ftrace');
    let same = 0;
    const unknown: string[] = [];
    const absent: string[] = [];
    for (const e of capEvents) {
      const b = btfByName.get(e.name);
      if (!b) absent.push(`${e.system}:${e.name}`);
      else if (b.fieldsUnknown) unknown.push(`${e.system}:${e.name}`);
      else {
        // Field by field: names, offsets, sizes, and types and signedness where BTF tells them.
        expect(b.fields.map((f) => [f.name, f.offset, f.size, f.dynamic ?? null])).toEqual(e.fields.map((f) => [f.name, f.offset, f.size, f.dynamic ?? null]));
        same++;
      }
    }
    // Pairs by name, with the capture's system: ftrace's own events and syscalls are no tracepoints.
    expect(cmp.pairs.every((p) => p.new.system === p.old.system)).toBe(true);
    expect({ compared: same, unknown: unknown.length, absent: absent.length }).toEqual({ compared: 1398, unknown: 187, absent: 0 });
  });
});

describe('6.18.44: the capture and its BTF read as one side', () => {
  it('keeps the capture and gains prototypes and classes (facets combined), with no disagreement', async () => {
    const { mergeBtf } = await import('../../src/sources/btf/merge.js');
    const { sideFacets } = await import('../../src/model/facets.js');
    const merged = mergeBtf(cap, btf, 'btf-vmlinux-6.18.44-x86_64.xz');
    expect(merged.kernel).toMatchObject({ kind: 'tracefs', also: ['btf'], release: '6.18.44' });
    expect(merged.events.length).toBe(cap.events.length);
    expect(merged.events.filter((e) => e.proto).length).toBe(1585);
    expect(merged.events.find((e) => e.name === 'block_rq_issue')).toMatchObject({ system: 'block', class: 'block_rq', proto: [{ type: 'struct request *', name: 'rq' }] });
    expect((merged.problems ?? []).filter((p) => /differs/.test(p.message))).toEqual([]);
    expect(sideFacets(merged)).toMatchObject({ proto: true, classes: true, systems: true, tracepoints: false, print: true });
    // Against the plain capture, the merged side adds nothing but what a capture cannot tell: no finding.
    expect(runDiff(compareSnapshots(cap, merged))).toEqual([]);
  });
});
