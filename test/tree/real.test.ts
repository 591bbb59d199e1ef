import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadTree } from '../../src/sources/tree/index.js';
import type { EventDef, Snapshot } from '../../src/model/snapshot.js';

// Real headers copied unchanged from Debian's linux-source-6.1 and -6.12 (see SOURCE.txt).
const REAL = path.join(import.meta.dirname, '../fixtures/tree-real');
const find = (s: Snapshot, key: string): EventDef | undefined => s.events.find((e) => `${e.system}:${e.name}` === key);

describe('tree source on real kernel headers', async () => {
  const v612 = await loadTree(path.join(REAL, 'linux-6.12'), { workers: 0 });
  const v61 = await loadTree(path.join(REAL, 'linux-6.1'), { workers: 0 });

  it('reads every definition without problems', () => {
    expect(v612.problems).toBeUndefined();
    expect(v61.problems).toBeUndefined();
    expect(v61.events.filter((e) => e.system === 'sched')).toHaveLength(38);
    expect(v612.events.filter((e) => e.system === 'sched')).toHaveLength(41);
    expect(v612.events.filter((e) => e.system === 'mac80211').length).toBeGreaterThan(100);
  });

  it('sched_wakeup: the class, the layout, the TASK_COMM_LEN left unresolved without include/linux/sched.h', () => {
    const e = find(v612, 'sched:sched_wakeup')!;
    expect(e.class).toBe('sched_wakeup_template');
    expect(e.fields.map((f) => [f.name, f.type, f.array])).toEqual([
      ['comm', 'char', 'TASK_COMM_LEN'], ['pid', 'pid_t', undefined], ['prio', 'int', undefined], ['target_cpu', 'int', undefined],
    ]);
    expect(e.fields[1]!.size).toBe(4);
    expect(e.fields[1]!.offset).toBeUndefined();
    expect(e.proto).toEqual([{ type: 'struct task_struct *', name: 'p' }]);
    expect(e.print!.fmt).toBe('comm=%s pid=%d prio=%d target_cpu=%03d');
  });

  it('the schedstat events hang on the alias chosen under #ifdef CONFIG_SCHEDSTATS', () => {
    expect(find(v61, 'sched:sched_stat_wait')!.condition).toBe('defined(CONFIG_SCHEDSTATS)');
    expect(find(v612, 'sched:sched_process_hang')!.condition).toBe('defined(CONFIG_DETECT_HUNG_TASK)');
  });

  it('bare tracepoints of sched.h', () => {
    const bare = v612.events.filter((e) => e.system === 'sched' && e.kind === 'tracepoint').map((e) => e.name);
    expect(bare).toContain('pelt_cfs_tp');
  });

  it('iwlwifi: field-list macros defined by the wrapping header (DEV_ENTRY) are expanded', () => {
    const e = find(v612, 'iwlwifi_io:iwlwifi_dev_ioread32')!;
    expect(e.fields[0]).toMatchObject({ name: 'dev', type: 'char', dynamic: 'data_loc', macro: '__string' });
    expect(e.condition).toBeUndefined();
  });

  it('mac80211: local helper macros in TP_STRUCT__entry and TP_printk', () => {
    const e = find(v612, 'mac80211:drv_start')!;
    expect(e.fields.map((f) => f.name)).toEqual(['wiphy_name']);
    expect(e.print!.args).toEqual(['REC->wiphy_name']);
  });
});
