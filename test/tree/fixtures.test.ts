import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadTree } from '../../src/sources/tree/index.js';
import { serializeSnapshot } from '../../src/model/canonical.js';
import { InputError } from '../../src/errors.js';
import type { EventDef, Snapshot } from '../../src/model/snapshot.js';

const FIX = path.join(import.meta.dirname, '../fixtures/tree');
const ev = (s: Snapshot, name: string, cond?: string): EventDef => {
  const e = s.events.find((x) => x.name === name && (cond === undefined || x.condition === cond));
  if (!e) throw new Error(`no event ${name}`);
  return e;
};

describe('tree source on hand-made fixtures', async () => {
  const basic = await loadTree(path.join(FIX, 'basic'), { workers: 0 });
  const broken = await loadTree(path.join(FIX, 'broken'), { workers: 0 });

  it('reads the kernel release and the common header from struct trace_entry', () => {
    expect(basic.kernel).toEqual({ source: 'basic', kind: 'tree', release: '9.9.1', arch: 'x86_64' });
    expect(basic.header.common.map((f) => [f.name, f.offset, f.size, f.signed])).toEqual([
      ['common_type', 0, 2, false], ['common_flags', 2, 1, false], ['common_preempt_count', 3, 1, false], ['common_pid', 4, 4, true],
    ]);
  });

  it('predicts fields, sizes, offsets and signedness as the format file prints them', () => {
    const e = ev(basic, 'demo_plain');
    expect(e.fields.map((f) => [f.name, f.type, f.array, f.dynamic, f.size, f.offset, f.signed, f.macro])).toEqual([
      ['comm', 'char', 16, undefined, 16, 8, true, '__array'],
      ['pid', 'pid_t', undefined, undefined, 4, 24, true, '__field'],
      ['flag', 'u8', undefined, undefined, 1, 28, false, '__field'],
      ['big', 'u64', undefined, undefined, 8, 32, false, '__field'],
      ['success', 'int', undefined, undefined, 4, 40, true, '__field'],
      ['name', 'char', '[]', 'data_loc', 4, 44, true, '__string'],
      ['mask', 'unsigned long', '[]', 'data_loc', 4, 48, false, '__bitmask'],
    ]);
    expect(e.fields[0]!.line).toBe(15);
    expect(e.location).toEqual({ file: 'include/trace/events/demo.h', line: 11 });
  });

  it('records constants stored by TP_fast_assign, the print format and TP_PROTO', () => {
    const e = ev(basic, 'demo_plain');
    expect(e.assign).toEqual({ flag: '0', success: '1' });
    expect(e.print).toEqual({ fmt: 'comm=%s pid=%d success=%d name=%s', args: ['REC->comm', 'REC->pid', 'REC->success', '__get_str(name)'] });
    expect(e.proto).toEqual([{ type: 'struct task_struct *', name: 'p' }, { type: 'int', name: 'success' }]);
  });

  it('leaves sizes unknown for unknown types, and every later offset', () => {
    const e = ev(basic, 'demo_start');
    expect(e.class).toBe('demo_class');
    expect(e.fields[1]).toMatchObject({ name: 'opaque', type: 'struct foo' });
    expect(e.fields[1]!.size).toBeUndefined();
    expect(e.fields[2]!.offset).toBeUndefined();
    expect(e.fields[2]!.size).toBe(4);
  });

  it('expands local macros with token pasting and stringification', () => {
    expect(ev(basic, 'demo_start').class).toBe('demo_class');
    expect(ev(basic, 'demo_stop').location!.line).toBe(49);
    expect(ev(basic, 'demo_pasted').print!.fmt).toBe('x=%d');
  });

  it('keeps both definitions of an event defined in two #ifdef branches, and follows aliases chosen under #ifdef', () => {
    expect(ev(basic, 'demo_versioned', 'defined(CONFIG_DEMO_V2)').fields[0]!.type).toBe('u64');
    expect(ev(basic, 'demo_versioned', '!(defined(CONFIG_DEMO_V2))').fields[0]!.type).toBe('u32');
    // DEFINE_DEMO_STAT is DEFINE_EVENT under CONFIG_DEMO_STATS and DEFINE_EVENT_NOP otherwise.
    expect(basic.events.filter((e) => e.name === 'demo_stat').map((e) => e.condition)).toEqual(['defined(CONFIG_DEMO_STATS)']);
  });

  it('reads bare tracepoints and counts call sites, marking pasted ones as generated', () => {
    const bare = ev(basic, 'demo_bare');
    expect(bare.kind).toBe('tracepoint');
    expect(bare.fields).toEqual([]);
    expect(bare.calls).toEqual({ count: 2 });
    expect(ev(basic, 'demo_plain').calls).toEqual({ count: 3 });
    expect(ev(basic, 'demo_stop').calls).toEqual({ count: 0, generated: true });
    expect(ev(basic, 'demo_start').calls).toEqual({ count: 0 });
  });

  it('reports unknown forms and recursive macros instead of hanging or dropping them', () => {
    expect(basic.problems).toEqual([
      { file: 'include/trace/events/demo.h', line: 76, message: 'unknown top-level form DEMO_TRACE_EVENT_NEW(...)' },
      { file: 'include/trace/events/demo.h', line: 81, message: 'demo_selfref: unknown field macro RECURSE' },
    ]);
    expect(ev(basic, 'demo_selfref').fields.map((f) => f.name)).toEqual(['x']);
  });

  it('carries on after unbalanced parentheses, short definitions and an unterminated comment', () => {
    expect(broken.events.map((e) => e.name)).toEqual(['broken_after', 'broken_ok']);
    expect(broken.problems!.map((p) => [p.line, p.message])).toEqual([
      [undefined, 'struct trace_entry not found: common fields unknown'],
      [6, "unbalanced text: missing ')'; skipped to the next line"],
      [12, 'TRACE_EVENT with 2 arguments (expected 6)'],
      [14, 'unterminated comment: the rest of the file is ignored'],
    ]);
    // Without a known common header, offsets are not predicted.
    expect(ev(broken, 'broken_ok').fields[0]!.offset).toBeUndefined();
  });

  it('is deterministic and never follows symbolic links out of the tree', async () => {
    const again = await loadTree(path.join(FIX, 'basic'), { workers: 0 });
    expect(serializeSnapshot(again)).toBe(serializeSnapshot(basic));
    expect(JSON.stringify(basic)).not.toContain('escape');
  });

  it('throws InputError for an unreadable root', async () => {
    await expect(loadTree(path.join(FIX, 'does-not-exist'))).rejects.toBeInstanceOf(InputError);
    await expect(loadTree(path.join(FIX, 'basic', 'Makefile'))).rejects.toThrow(/not a directory/);
  });

  it('reports progress', async () => {
    const seen: [number, number][] = [];
    await loadTree(path.join(FIX, 'basic'), { workers: 0, onProgress: (d, t) => seen.push([d, t]) });
    expect(seen.at(-1)![0]).toBe(seen.at(-1)![1]);
  });
});
