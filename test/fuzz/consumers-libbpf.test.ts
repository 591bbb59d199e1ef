/**
 * Damaged BPF objects and C sources: the libbpf reader either reads what it can or throws one InputError
 * (naming the file); the .bpf.c reader never throws (what it cannot read is a problem). Never a TypeError,
 * RangeError or a hang. The objects are built in the test with gates, subprogram calls and CO-RE relocations,
 * then bytes are overwritten or the object is cut at random.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { readLibbpfFile } from '../../src/consumers/libbpf/index.js';
import { bpfCReader } from '../../src/consumers/bpf-c/index.js';
import { BtfBuilder } from '../btf/builder.js';
import { asm, buildBpfObject, encode } from '../consumers/bpf-object-builder.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 30) * 10;
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);

function sample(): Buffer {
  const b = new BtfBuilder();
  const int = b.int('int', 4, { signed: true });
  const entry = b.struct('trace_entry', 8, [{ name: 'type', type: int, bitOffset: 0 }]);
  const st = b.struct('trace_event_raw_sched_switch', 16, [{ name: 'ent', type: entry, bitOffset: 0 }, { name: 'prev_pid', type: int, bitOffset: 64 }]);
  const text = encode([asm.lddw(2), asm.ldxw(2, 2, 0), asm.jsgt(2, 330495, 2), asm.ldxdw(6, 1, 8), asm.ja(1), asm.ldxdw(6, 1, 0), asm.movImm(0, 0), asm.exit()]);
  return buildBpfObject(
    [
      { section: '.text', funcs: [{ name: 'handle', start: 0, count: 9 }], code: text, relocs: [{ insn: 0, symbol: 'LINUX_KERNEL_VERSION' }], lines: [{ insn: 0, file: 'x.bpf.c', line: 3 }] },
      { section: 'raw_tp/block_rq_issue', funcs: [{ name: 'issue', start: 0, count: 3, global: true }], code: encode([asm.callSub(-1), asm.movImm(0, 0), asm.exit()]), relocs: [{ insn: 0, symbol: '.text' }] },
      { section: 'tp/sched/sched_switch', funcs: [{ name: 'sw', start: 0, count: 2, global: true }], code: encode([asm.ldxw(2, 1, 8), asm.exit()]), core: [{ insn: 0, typeId: st, access: '0:1', kind: 0 }] },
    ],
    b,
  );
}

function readOrInputError(data: Buffer): 'read' | 'input-error' {
  try {
    readLibbpfFile({ path: 'fuzz.bpf.o', data });
    return 'read';
  } catch (e) {
    if (e instanceof InputError && e.file === "fuzz.bpf.o") return "input-error";
    if (process.env.FUZZ_DEBUG) console.log((e as Error).stack);
    throw e;
  }
}

describe('damaged BPF objects', () => {
  const base = sample();
  it('the undamaged sample reads', () => {
    expect(readLibbpfFile({ path: 'fuzz.bpf.o', data: base }).uses.length).toBe(3);
  });
  it('overwritten bytes: read, or one InputError', () => {
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
        const d = Buffer.from(base);
        for (const [at, v] of edits) d[at] = v;
        outcomes.add(readOrInputError(d));
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(outcomes).toEqual(new Set(['read', 'input-error']));
  });
  it('cut at any length: read, or one InputError', () => {
    fc.assert(
      fc.property(fc.nat(base.length), (n) => {
        readOrInputError(base.subarray(0, n));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

describe('damaged BPF C', () => {
  const src = `SEC("tp_btf/block_rq_insert")
int BPF_PROG(insert, struct request *rq)
{
	if (LINUX_KERNEL_VERSION < KERNEL_VERSION(5, 11, 0))
		return trace((void *)ctx[1]);
	return ctx->args[0] + BPF_CORE_READ(ctx, x);
}
struct a { u64 pad; u32 x[4]; };
SEC("tp/sched/sched_switch")
int sw(struct a *ctx) { return ctx->x[1] + bpf_core_field_exists(ctx->x); }
`;
  it('any edit: uses and problems, never an exception', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(src.length - 1), fc.constantFrom('{', '}', '(', ')', '"', "'", '/*', '#if 0\n', '[', ';', '\\', '')), { minLength: 1, maxLength: 6 }), (edits) => {
        let s = src;
        for (const [at, t] of edits) s = s.slice(0, at) + t + s.slice(at + 1);
        const r = bpfCReader.read({ path: 'f.bpf.c', data: Buffer.from(s) });
        expect(Array.isArray(r.uses) && Array.isArray(r.problems)).toBe(true);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
