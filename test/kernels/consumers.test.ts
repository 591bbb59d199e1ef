/**
 * The consumer readers and consumer-break on Debian bookworm's own packages (`npm run consumers` fetches
 * bpfcc-tools 0.26 and bpftrace 0.17 into the cache) against Debian's 6.1 and 6.12 kernel snapshots and the
 * real 6.18.44 capture: the figures and verdicts docs/consumers.md reports, each checked by hand there.
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readConsumers } from '../../src/consumers/read.js';
import { inventoryCounts } from '../../src/consumers/inventory-report.js';
import type { ConsumerInventory } from '../../src/consumers/model.js';
import { compareSnapshots } from '../../src/diff/compare.js';
import { runConsumers, runDiff } from '../../src/engine/run.js';
import { loadSource } from '../../src/sources/registry.js';
import type { Snapshot } from '../../src/model/snapshot.js';

const CACHE = process.env.TPDRIFT_KERNEL_CACHE || path.join(os.homedir(), '.cache', 'tpdrift');
const PKG = path.join(CACHE, 'consumers');
const ROOT = path.join(import.meta.dirname, '../..');
const BPFTRACE = path.join(PKG, 'bpftrace/usr/sbin');
const BCC = path.join(PKG, 'bpfcc-tools/usr/sbin');

let bt: ConsumerInventory;
let bcc: ConsumerInventory;
const kernels: Record<string, Snapshot> = {};

beforeAll(async () => {
  for (const d of [BPFTRACE, BCC]) if (!fs.existsSync(d)) throw new Error(`${d} is missing: run npm run consumers`);
  bt = readConsumers([BPFTRACE]);
  bcc = readConsumers([BCC]);
  for (const [k, f] of [
    ['6.1', 'debian-linux-source-6.1.176.json.gz'],
    ['6.12', 'debian-linux-source-6.12.117.json.gz'],
    ['6.18.44', 'linux-6.18.44-x86_64.tracefs.json'],
  ] as const) {
    kernels[k] = (await loadSource(path.join(ROOT, 'snapshots', f))).snapshot;
  }
});

const brief = (inv: ConsumerInventory) => inv.uses.map((u) => `${u.tool}:${u.line} ${u.event} ${u.read} ${u.field ?? (u.arg !== undefined ? `arg${u.arg}` : '')}${u.guarded ? ' guarded' : ''}`);

describe("Debian's bpftrace 0.17 scripts", () => {
  it('the inventory: 38 scripts, 13 of them on tracepoints, nothing left unread', () => {
    expect(inventoryCounts(bt)).toEqual({ tools: 38, reading: 13, uses: 47, events: 37, fields: 40, arguments: 0, guarded: 0, problems: 0 });
  });
  it("runqlat.bt's shared body and sched_switch reads, at their lines", () => {
    expect(brief(bt).filter((s) => s.startsWith('runqlat.bt'))).toEqual([
      'runqlat.bt:24 sched:sched_wakeup by-name pid',
      'runqlat.bt:24 sched:sched_wakeup_new by-name pid',
      'runqlat.bt:29 sched:sched_switch by-name prev_state',
      'runqlat.bt:30 sched:sched_switch by-name prev_pid',
      'runqlat.bt:33 sched:sched_switch by-name next_pid',
    ]);
    expect(brief(bt)).toContain('execsnoop.bt:26 syscalls:sys_enter_exec* by-name argv');
  });
});

describe("Debian's bpfcc-tools 0.26", () => {
  it('the inventory: 104 Python tools, 23 on tracepoints; what could not be read is listed with its reason', () => {
    expect(inventoryCounts(bcc)).toEqual({ tools: 104, reading: 23, uses: 99, events: 43, fields: 58, arguments: 15, guarded: 49, problems: 7 });
    expect(bcc.problems.map((p) => `${path.basename(p.file)}:${p.line}`)).toEqual([
      'argdist-bpfcc:366',
      'funccount-bpfcc:104',
      'funcinterval-bpfcc:159',
      'kvmexit-bpfcc:262',
      'kvmexit-bpfcc:266',
      'stackcount-bpfcc:97',
      'trace-bpfcc:484',
    ]);
  });
  it("memleak's TRACEPOINT_PROBE(kmem, kmalloc_node) is guarded by BPF.tracepoint_exists; its kmalloc is not", () => {
    const m = bcc.uses.filter((u) => u.tool === 'memleak-bpfcc');
    expect(m.find((u) => u.event === 'kmem:kmalloc_node')?.guarded).toBe('BPF.tracepoint_exists("kmem", "kmalloc_node")');
    expect(m.find((u) => u.event === 'kmem:kmalloc')?.guarded).toBeUndefined();
    expect(brief(bcc).filter((s) => s.startsWith('runqlat-bpfcc'))).toEqual([
      'runqlat-bpfcc:192 :sched_wakeup positional arg0 guarded',
      'runqlat-bpfcc:199 :sched_wakeup_new positional arg0 guarded',
      'runqlat-bpfcc:206 :sched_switch positional arg1 guarded',
      'runqlat-bpfcc:207 :sched_switch positional arg2 guarded',
    ]);
  });
});

describe('consumer-break on the Debian kernels and the 6.18.44 capture', () => {
  const verdicts = (k: string) =>
    runConsumers({ uses: [...bt.uses, ...bcc.uses], kernel: kernels[k]! }).map((f) => `${f.severity} ${f.consumer!.tool}:${f.consumer!.line} ${f.event} ${f.cause}`);
  it('against 6.1 and 6.12 alone: compactsnoop reads past the compaction prototypes; memleak takes its fallback', () => {
    for (const k of ['6.1', '6.12']) {
      expect(verdicts(k)).toEqual([
        'error compactsnoop-bpfcc:244 compaction:mm_compaction_begin mismatch',
        'error compactsnoop-bpfcc:263 compaction:mm_compaction_end mismatch',
        'info memleak-bpfcc:351 kmem:kmalloc_node missing',
        'info memleak-bpfcc:358 kmem:kmem_cache_alloc_node missing',
      ]);
    }
  });
  it('against the 6.18.44 capture: criticalstat needs preemptirq events that kernel was built without', () => {
    expect(verdicts('6.18.44')).toEqual([
      'error criticalstat-bpfcc:191 preemptirq:irq_disable missing',
      'error criticalstat-bpfcc:252 preemptirq:irq_enable missing',
      'error criticalstat-bpfcc:191 preemptirq:preempt_disable missing',
      'error criticalstat-bpfcc:252 preemptirq:preempt_enable missing',
      'info memleak-bpfcc:351 kmem:kmalloc_node missing',
      'info memleak-bpfcc:358 kmem:kmem_cache_alloc_node missing',
    ]);
  });
  it('6.1 → 6.12 breaks none of them; 6.12 → 6.18.44 only what that configuration does not build (warning)', () => {
    const uses = [...bt.uses, ...bcc.uses];
    const d1 = runDiff(compareSnapshots(kernels['6.1']!, kernels['6.12']!), { uses });
    expect(d1.filter((f) => f.rule === 'consumer-break')).toEqual([]);
    expect(d1.filter((f) => f.consumers).length).toBe(11);
    const d2 = runDiff(compareSnapshots(kernels['6.12']!, kernels['6.18.44']!), { uses }).filter((f) => f.rule === 'consumer-break');
    expect(d2.map((f) => `${f.severity} ${f.consumer!.tool} ${f.event} ${f.cause}`)).toEqual([
      'warning criticalstat-bpfcc preemptirq:irq_disable event-removed',
      'warning criticalstat-bpfcc preemptirq:irq_enable event-removed',
      'warning criticalstat-bpfcc preemptirq:preempt_disable event-removed',
      'warning criticalstat-bpfcc preemptirq:preempt_enable event-removed',
    ]);
  });
});
