/**
 * Kernel-version gates in the consumer-break checks: a gated alternative is judged only on kernels its range
 * selects, and a break on a path the gate chose says the gate is wrong for that kernel (the 5.10.y stable
 * kernels that backported block_rq_insert's one-argument prototype while libbpf-tools read ctx[1] below 5.11).
 */
import { describe, expect, it } from 'vitest';
import { compareSnapshots } from '../../src/diff/compare.js';
import { checkUseAcross, checkUseOn } from '../../src/consumers/check.js';
import { guardOutcome } from '../../src/consumers/guard.js';
import type { Use } from '../../src/consumers/model.js';
import type { EventDef, Snapshot } from '../../src/model/snapshot.js';
import { real, snapshot } from '../rules/tester.js';

const rqInsert = (proto: EventDef['proto']): EventDef => ({ ...real('block:block_rq_insert'), proto });
const ONE = [{ type: 'struct request *', name: 'rq' }];
const TWO = [{ type: 'struct request_queue *', name: 'q' }, { type: 'struct request *', name: 'rq' }];

function kernel(release: string, proto: EventDef['proto']): Snapshot {
  const s = snapshot({ events: [rqInsert(proto)], kind: 'tree' });
  s.kernel.release = release;
  return s;
}

const alt = (arg: number, range: Use['gateRange'], gate: string): Use => ({
  tool: 'biolatency', family: 'libbpf', file: 'usr/sbin/biolatency', line: arg === 1 ? 80 : 82, event: ':block_rq_insert', attach: 'raw_tp', arg, read: 'positional', program: 'block_rq_insert', gate, gateRange: range,
});
const below511 = alt(1, { below: '5.11.0' }, 'LINUX_KERNEL_VERSION < KERNEL_VERSION(5, 11, 0)');
const from511 = alt(0, { from: '5.11.0' }, 'LINUX_KERNEL_VERSION >= KERNEL_VERSION(5, 11, 0)');

describe('gated uses on one kernel', () => {
  const cases: { name: string; k: Snapshot; broken: Use[] }[] = [
    { name: '5.4 with the two-argument prototype: the ctx[1] path, right', k: kernel('5.4.250', TWO), broken: [] },
    { name: '6.12 with the one-argument prototype: the ctx[0] path, right', k: kernel('6.12.117', ONE), broken: [] },
    { name: '5.10.y that backported the one-argument prototype: ctx[1] is chosen and wrong', k: kernel('5.10.209', ONE), broken: [below511] },
    { name: 'a kernel with no release: both paths judged, ctx[1] breaks', k: { ...kernel('x', ONE), kernel: { kind: 'tree', source: 'test' } }, broken: [below511] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const broken = [below511, from511].filter((u) => {
        const v = checkUseOn(u, c.k);
        return v !== 'unknown' && v.length > 0;
      });
      expect(broken).toEqual(c.broken);
    });
  }

  it('says why: the gate holds for this release but the prototype is the newer one', () => {
    const v = checkUseOn(below511, kernel('5.10.209', ONE));
    expect(v).toEqual([
      expect.objectContaining({
        cause: 'mismatch',
        why: 'the reader loads ctx[1]; the program takes this path because LINUX_KERNEL_VERSION < KERNEL_VERSION(5, 11, 0) holds for 5.10.209: the version gate is wrong for this kernel',
      }),
    ]);
  });
});

describe('gated uses across a comparison', () => {
  it('an alternative neither side takes never breaks; one only the new side takes is judged on it', () => {
    const cmp = compareSnapshots(kernel('6.1.176', ONE), kernel('6.12.117', ONE));
    expect(checkUseAcross(below511, cmp)).toEqual([]);
    expect(checkUseAcross(from511, cmp)).toEqual([]);
    const upgrade = compareSnapshots(kernel('5.4.250', TWO), kernel('5.10.209', ONE));
    expect(checkUseAcross(below511, upgrade).map((v) => v.cause)).toEqual(['proto-changed']);
    expect(checkUseAcross(from511, upgrade)).toEqual([]);
    const across511 = compareSnapshots(kernel('5.10.1', TWO), kernel('5.11.0', ONE));
    expect(checkUseAcross(below511, across511)).toEqual([]);
    expect(checkUseAcross(from511, across511)).toEqual([]);
  });
});

describe('CO-RE readers and the record struct they name', () => {
  const complete = (cls: string | undefined): Snapshot => {
    const ev: EventDef = { ...real('block:block_rq_complete') };
    if (cls) ev.class = cls;
    else delete ev.class;
    const s = snapshot({ events: [ev], kind: 'tree' });
    s.kernel.release = '6.12.117';
    return s;
  };
  const read = (struct: string, guarded?: string): Use => ({
    tool: 'biopattern', family: 'libbpf', file: 'usr/sbin/biopattern', line: 30, event: 'block:block_rq_complete', attach: 'tracefs', field: 'sector', read: 'by-name', struct, ...(guarded ? { guarded } : {}),
  });
  it('breaks when the event is not of the class the struct names, on a side that knows classes', () => {
    expect(checkUseOn(read('trace_event_raw_block_rq_completion'), complete('block_rq_completion'))).toEqual([]);
    expect(checkUseOn(read('trace_event_raw_block_rq_complete'), complete(undefined))).toEqual([]);
    expect(checkUseOn(read('trace_event_raw_block_rq_complete'), complete('block_rq_completion'))).toEqual([
      expect.objectContaining({ cause: 'mismatch', change: "block:block_rq_complete's record is struct trace_event_raw_block_rq_completion", why: "the reader's CO-RE relocations name struct trace_event_raw_block_rq_complete" }),
    ]);
    // A capture does not know classes: nothing to say.
    const cap = snapshot([real('block:block_rq_complete')]);
    expect(checkUseOn(read('trace_event_raw_block_rq_complete'), cap)).toEqual([]);
  });
  it('across a comparison: the event moved into another class', () => {
    const v = checkUseAcross(read('trace_event_raw_block_rq_complete'), compareSnapshots(complete(undefined), complete('block_rq_completion')));
    expect(v.map((x) => x.change)).toEqual(["block:block_rq_complete's record is struct trace_event_raw_block_rq_completion"]);
  });
  it('bpf_core_type_exists guards are evaluated where classes are known', () => {
    const k = complete('block_rq_completion');
    expect(guardOutcome('bpf_core_type_exists(struct trace_event_raw_block_rq_completion)', k)).toBe('passes');
    expect(guardOutcome('!bpf_core_type_exists(struct trace_event_raw_block_rq_completion)', k)).toBe('fails');
    expect(guardOutcome('bpf_core_type_exists(struct trace_event_raw_block_rq_completion)', complete(undefined))).toBe('fails');
    expect(guardOutcome('bpf_core_type_exists(struct trace_event_raw_block_rq_completion)', snapshot([real('block:block_rq_complete')]))).toBe('unknown');
  });
});
