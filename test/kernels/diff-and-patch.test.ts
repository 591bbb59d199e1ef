/**
 * Drift between the two real Debian trees, in every source combination, and check-patch on the whole 6.1
 * tree: the real 6.1 → 6.12 change of sched.h as a patch, and a change to a constant in a header that trace
 * headers include (TASK_COMM_LEN), which must still be seen.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { treePath } from './trees.js';

const ROOT = path.join(import.meta.dirname, '../..');
const SNAP_61 = path.join(ROOT, 'snapshots/debian-linux-source-6.1.176.json.gz');
const SNAP_612 = path.join(ROOT, 'snapshots/debian-linux-source-6.12.117.json.gz');
const CAPTURE = path.join(ROOT, 'snapshots/linux-6.18.44-x86_64.tracefs.json');

interface F { rule: string; severity: string; event: string; field?: string; message: string; events?: string[]; location?: { file: string; line: number } }

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: ROOT });
  return { code, stderr, findings: () => (JSON.parse(stdout) as { findings: F[] }).findings, json: () => JSON.parse(stdout) };
}

let tmp: string;
let tree61: string;
let tree612: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-kpatch-'));
  tree61 = treePath('linux-source-6.1');
  tree612 = treePath('linux-source-6.12');
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.sequential('diff 6.1 → 6.12, real changes with the right rules', () => {
  let findings: F[];
  beforeAll(async () => {
    const r = await run(['diff', SNAP_61, SNAP_612, '-f', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    findings = r.findings();
  });
  const find = (rule: string, event: string, field?: string) => findings.find((f) => f.rule === rule && f.event === event && (field === undefined || f.field === field));

  it('6.8 removed sched_stat_runtime.vruntime: field, TP_PROTO and print format', () => {
    expect(find('field-removed', 'sched:sched_stat_runtime', 'vruntime')).toMatchObject({ severity: 'error', location: { file: 'include/trace/events/sched.h' } });
    expect(find('proto-changed', 'sched:sched_stat_runtime')?.message).toBe('TP_PROTO changed: removed u64 vruntime');
    expect(find('print-format-changed', 'sched:sched_stat_runtime')).toBeDefined();
  });

  it('the bare tracepoint pelt_thermal_tp became pelt_hw_tp (BPF programs attach by name)', () => {
    expect(find('event-removed', 'sched:pelt_thermal_tp')).toMatchObject({ severity: 'warning' });
    expect(find('event-added', 'sched:pelt_hw_tp')).toMatchObject({ severity: 'info' });
  });

  it('-funsigned-char (6.2): one finding for every char field of every event', () => {
    const flip = findings.filter((f) => f.rule === 'field-signedness-changed' && f.field === 'char');
    expect(flip).toHaveLength(1);
    expect(flip[0]!.events!.length).toBeGreaterThan(1000);
    expect(flip[0]!.events).toContain('sched:sched_switch');
  });

  it('a widened field, a renamed event, a class-wide rename reported once', () => {
    expect(find('field-size-changed', 'io_uring:io_uring_queue_async_work', 'flags')?.message).toBe(
      "field 'flags' size changed: unsigned int flags (4 bytes) → unsigned long long flags (8 bytes)",
    );
    expect(find('event-renamed', 'erofs:erofs_readpages')?.message).toContain('erofs:erofs_readahead');
    const soc = find('field-renamed', 'asoc:snd_soc_bias_level_done', 'name');
    expect(soc?.events).toEqual(['asoc:snd_soc_bias_level_done', 'asoc:snd_soc_bias_level_start']);
  });

  it('syscall events: the real 6.1 → 6.12 changes (checked by hand in docs/tree-extraction.md), nothing else', () => {
    const sys = findings.filter((f) => f.event.startsWith('syscalls:'));
    expect(sys.filter((f) => f.rule !== 'event-added').map((f) => `${f.rule} ${f.event} ${f.field ?? ''}`).sort()).toEqual([
      'condition-changed syscalls:sys_enter_clone3 ',
      'condition-changed syscalls:sys_exit_clone3 ',
      'field-type-changed syscalls:sys_enter_name_to_handle_at mnt_id',
    ]);
    const added = ['cachestat', 'fchmodat2', 'futex_requeue', 'futex_wait', 'futex_wake', 'listmount', 'lsm_get_self_attr', 'lsm_list_modules', 'lsm_set_self_attr', 'map_shadow_stack', 'mseal', 'statmount', 'uretprobe'];
    expect(sys.filter((f) => f.rule === 'event-added').map((f) => f.event).sort()).toEqual(
      added.flatMap((n) => [`syscalls:sys_enter_${n}`, `syscalls:sys_exit_${n}`]).sort(),
    );
    expect(find('field-type-changed', 'syscalls:sys_enter_name_to_handle_at', 'mnt_id')).toMatchObject({ location: { file: 'fs/fhandle.c', line: 106 } });
  });

  it('works tree ↔ snapshot and tree ↔ tracefs from the real tree on disk', async () => {
    const treeVsSnap = await run(['diff', tree612, SNAP_612, '-f', 'json', '--fail-on', 'info']);
    expect(treeVsSnap.code).toBe(0); // the tree and its own committed snapshot: nothing
    expect(treeVsSnap.findings()).toEqual([]);
    const treeVsCapture = await run(['diff', tree612, CAPTURE, '-f', 'json', '--fail-on', 'none']);
    const json = treeVsCapture.json();
    expect(json.old.kind).toBe('tree');
    expect(json.new.kind).toBe('snapshot');
    // sched comm fields became strings after 6.12 (the real capture is 6.18.44).
    expect(treeVsCapture.findings().find((f) => f.rule === 'field-became-dynamic' && f.event === 'sched:sched_process_free')).toBeDefined();
  });
});

describe.sequential('check-patch on the whole Debian 6.1 tree', () => {
  it('the real 6.1 → 6.12 sched.h change: findings only in sched, located on the patched lines', async () => {
    const rel = 'include/trace/events/sched.h';
    const after = fs.readFileSync(path.join(tree612, rel), 'utf8');
    const patch = path.join(tmp, 'sched.patch');
    fs.writeFileSync(patch, createTwoFilesPatch(`a/${rel}`, `b/${rel}`, fs.readFileSync(path.join(tree61, rel), 'utf8'), after));
    const r = await run(['check-patch', patch, '--tree', tree61, '-f', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    const f = r.findings();
    expect(f.every((x) => x.event.startsWith('sched:'))).toBe(true);
    expect(f.every((x) => x.location?.file === rel)).toBe(true);
    const removed = f.find((x) => x.rule === 'field-removed' && x.field === 'vruntime')!;
    expect(after.split('\n')[removed.location!.line - 1]).toMatch(/^DEFINE_EVENT\(sched_stat_runtime, sched_stat_runtime,/);
    expect(f.filter((x) => x.rule === 'unused-tracepoint').map((x) => x.event).sort()).toEqual(
      ['sched:pelt_hw_tp', 'sched:sched_compute_energy_tp', 'sched:sched_prepare_exec', 'sched:sched_skip_vma_numa'],
    );
  });

  it('the real 6.1 → 6.12 top-level Makefile (-funsigned-char) is blamed for what it changes, not for old flaws', async () => {
    // It flips every char field's signedness, so every event is "changed" and audited: the audit findings the
    // 6.1 tree already had (unused-tracepoint atomisp:camera_debug, unassigned-field in cdns3) are not the patch's.
    const patch = path.join(tmp, 'makefile.patch');
    fs.writeFileSync(patch, createTwoFilesPatch('a/Makefile', 'b/Makefile', fs.readFileSync(path.join(tree61, 'Makefile'), 'utf8'), fs.readFileSync(path.join(tree612, 'Makefile'), 'utf8')));
    const r = await run(['check-patch', patch, '--tree', tree61, '-f', 'json', '--fail-on', 'none']);
    const f = r.findings();
    expect(f.map((x) => `${x.rule} ${x.severity}`)).toEqual(['field-signedness-changed warning']);
    expect(f[0]!.events!.length).toBeGreaterThan(1500);
    // The whole 6.1 tree is read: a CI log gets one line per step, then where the report went.
    expect(r.stderr.split('\n').filter((l) => l.startsWith(`tpdrift: ${tree61}: `)).map((l) => l.slice(`tpdrift: ${tree61}: `.length).replace(/\d+/g, 'N'))).toEqual([
      'listed N source files',
      'reading files: N to read',
      'building units: N files that define trace events',
      'building units: N files that define trace events',
    ].map((l, i) => (i === 1 ? expect.stringMatching(/^reading files: N to read(, N unchanged since the last run)?$/) : l)));
    expect(r.stderr).toContain('tpdrift: writing the json report to stdout\n');
  });

  it('a constant in a header trace headers include (TASK_COMM_LEN 16 → 24) is seen', async () => {
    const rel = 'include/linux/sched.h';
    const before = fs.readFileSync(path.join(tree61, rel), 'utf8');
    expect(before).toContain('TASK_COMM_LEN = 16,'); // an enum constant in 6.1
    const patch = path.join(tmp, 'comm.patch');
    fs.writeFileSync(patch, createTwoFilesPatch(`a/${rel}`, `b/${rel}`, before, before.replace('TASK_COMM_LEN = 16,', 'TASK_COMM_LEN = 24,')));
    const r = await run(['check-patch', patch, '--tree', tree61, '-f', 'json', '--fail-on', 'none']);
    const f = r.findings();
    const sw = f.find((x) => x.rule === 'field-size-changed' && x.event === 'sched:sched_switch' && x.field === 'prev_comm');
    expect(sw?.message).toBe("field 'prev_comm' size changed: char prev_comm[16] (16 bytes) → char prev_comm[24] (24 bytes)");
    expect(f.some((x) => x.rule === 'field-offset-changed' && x.event === 'sched:sched_switch')).toBe(true);
  });
});
