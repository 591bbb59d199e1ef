import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { BtfExtError, parseBtfExt } from '../../src/consumers/libbpf/btf-ext.js';
import { describeGate, opInterval, releaseInRange, versionCode } from '../../src/consumers/libbpf/gate.js';
import { readLibbpfFile } from '../../src/consumers/libbpf/index.js';
import { parseSection } from '../../src/consumers/libbpf/section.js';
import { BtfBuilder } from '../btf/builder.js';
import { asm, buildBpfObject, encode } from './bpf-object-builder.js';

const read = (data: Buffer, path = 'tool.bpf.o') => readLibbpfFile({ path, data });
const strip = (u: object) => Object.fromEntries(Object.entries(u).filter(([k]) => !['tool', 'family', 'file'].includes(k)));

describe('section names', () => {
  it('names the attach point of each tracepoint section kind', () => {
    expect(parseSection('tp/sched/sched_switch')).toEqual({ kind: 'tracepoint', attach: 'tracefs', event: 'sched:sched_switch' });
    expect(parseSection('tracepoint/syscalls/sys_enter_openat')).toEqual({ kind: 'tracepoint', attach: 'tracefs', event: 'syscalls:sys_enter_openat' });
    expect(parseSection('tp_btf/block_rq_issue')).toEqual({ kind: 'tracepoint', attach: 'tp_btf', event: ':block_rq_issue' });
    expect(parseSection('raw_tp/sched_wakeup')).toEqual({ kind: 'tracepoint', attach: 'raw_tp', event: ':sched_wakeup' });
    expect(parseSection('raw_tracepoint/sched_wakeup')).toEqual({ kind: 'tracepoint', attach: 'raw_tp', event: ':sched_wakeup' });
    expect(parseSection('raw_tp')).toEqual({ kind: 'unnamed', attach: 'raw_tp' });
    expect(parseSection('tp/sched_switch')).toMatchObject({ kind: 'malformed' });
    expect(parseSection('kprobe/do_unlinkat')).toEqual({ kind: 'other', type: 'kprobe' });
    expect(parseSection('tp_btfx/foo')).toEqual({ kind: 'other', type: 'tp_btfx' });
  });
});

describe('kernel-version gates', () => {
  it('keeps a LINUX_KERNEL_VERSION comparison as the release range it selects', () => {
    const k = versionCode(5, 11, 0);
    expect(k).toBe(330496);
    expect(describeGate(opInterval('<', k)!)).toEqual({ gate: 'LINUX_KERNEL_VERSION < KERNEL_VERSION(5, 11, 0)', gateRange: { below: '5.11.0' } });
    expect(describeGate(opInterval('>=', k)!)).toEqual({ gate: 'LINUX_KERNEL_VERSION >= KERNEL_VERSION(5, 11, 0)', gateRange: { from: '5.11.0' } });
    expect(releaseInRange('5.10.209', { below: '5.11.0' })).toBe(true);
    expect(releaseInRange('6.12.117+deb12-amd64', { below: '5.11.0' })).toBe(false);
    expect(releaseInRange('6.1.176', { from: '5.11.0' })).toBe(true);
    expect(releaseInRange('unknown', { from: '5.11.0' })).toBeUndefined();
  });
});

/** BTF with the types the tests' programs use. */
function btfWith() {
  const b = new BtfBuilder();
  const int = b.int('int', 4, { signed: true });
  const u64 = b.int('long long unsigned int', 8);
  const ulong = b.int('long unsigned int', 8);
  const char = b.int('char', 1, { signed: true, char: true });
  const pid = b.ref('typedef', int, 'pid_t');
  const entry = b.struct('trace_entry', 8, [
    { name: 'type', type: b.int('short unsigned int', 2), bitOffset: 0 },
    { name: 'pid', type: int, bitOffset: 32 },
  ]);
  const comm = b.array(char, int, 16);
  const sw = b.struct('trace_event_raw_sched_switch', 32, [
    { name: 'ent', type: entry, bitOffset: 0 },
    { name: 'prev_comm', type: comm, bitOffset: 64 },
    { name: 'prev_pid', type: pid, bitOffset: 192 },
    { name: '__data_loc_name', type: b.int('unsigned int', 4), bitOffset: 224 },
  ]);
  const args = b.array(ulong, int, 6);
  const sysEnter = b.struct('trace_event_raw_sys_enter', 64, [
    { name: 'ent', type: entry, bitOffset: 0 },
    { name: 'id', type: b.int('long int', 8, { signed: true }), bitOffset: 64 },
    { name: 'args', type: args, bitOffset: 128 },
  ]);
  const mine = b.struct('my_args', 16, [
    { name: 'pad', type: u64, bitOffset: 0 },
    { name: 'cpu', type: b.int('unsigned int', 4), bitOffset: 64 },
  ]);
  const minePtr = b.ref('ptr', mine);
  b.func('prog_fixed', b.funcProto(int, [['ctx', minePtr]]), 1);
  return { b, sw, sysEnter };
}

describe('libbpf objects: positional reads and gates', () => {
  // The biolatency shape: two programs call a subprogram in .text that reads ctx[1] below 5.11, else ctx[0].
  const text = encode([
    asm.lddw(2), // 0-1: r2 = &LINUX_KERNEL_VERSION
    asm.ldxw(2, 2, 0), // 2
    asm.lsh(2, 32), // 3
    asm.arsh(2, 32), // 4
    asm.jsgt(2, 330495, 2), // 5: >= 5.11.0 → 8
    asm.ldxdw(6, 1, 8), // 6: ctx[1]
    asm.ja(1), // 7
    asm.ldxdw(6, 1, 0), // 8: ctx[0]
    asm.movImm(0, 0), // 9
    asm.exit(), // 10
  ]);
  const prog = encode([asm.callSub(-1), asm.movImm(0, 0), asm.exit()]);
  const obj = () =>
    buildBpfObject(
      [
        {
          section: '.text',
          funcs: [{ name: 'handle', start: 0, count: 11 }],
          code: text,
          relocs: [{ insn: 0, symbol: 'LINUX_KERNEL_VERSION' }],
          lines: [
            { insn: 0, file: '/build/tool.bpf.c', line: 20 },
            { insn: 6, file: '/build/tool.bpf.c', line: 21 },
            { insn: 8, file: '/build/tool.bpf.c', line: 23 },
          ],
        },
        { section: 'tp_btf/block_rq_insert', funcs: [{ name: 'rq_insert_btf', start: 0, count: 3, global: true }], code: prog, relocs: [{ insn: 0, symbol: '.text' }] },
        { section: 'raw_tp/block_rq_insert', funcs: [{ name: 'rq_insert', start: 0, count: 3, global: true }], code: prog, relocs: [{ insn: 0, symbol: '.text' }] },
      ],
      btfWith().b,
    );

  it('follows the context into the subprogram and records each alternative with its gate and line', () => {
    const r = read(obj());
    expect(r.problems).toEqual([]);
    expect(r.tools).toEqual([{ tool: 'tool', family: 'libbpf', file: 'tool.bpf.o' }]);
    expect(r.uses.map(strip)).toEqual([
      { line: 21, source: 'tool.bpf.c', event: ':block_rq_insert', attach: 'tp_btf', program: 'rq_insert_btf', read: 'positional', arg: 1, gate: 'LINUX_KERNEL_VERSION < KERNEL_VERSION(5, 11, 0)', gateRange: { below: '5.11.0' } },
      { line: 23, source: 'tool.bpf.c', event: ':block_rq_insert', attach: 'tp_btf', program: 'rq_insert_btf', read: 'positional', arg: 0, gate: 'LINUX_KERNEL_VERSION >= KERNEL_VERSION(5, 11, 0)', gateRange: { from: '5.11.0' } },
      { line: 21, source: 'tool.bpf.c', event: ':block_rq_insert', attach: 'raw_tp', program: 'rq_insert', read: 'positional', arg: 1, gate: 'LINUX_KERNEL_VERSION < KERNEL_VERSION(5, 11, 0)', gateRange: { below: '5.11.0' } },
      { line: 23, source: 'tool.bpf.c', event: ':block_rq_insert', attach: 'raw_tp', program: 'rq_insert', read: 'positional', arg: 0, gate: 'LINUX_KERNEL_VERSION >= KERNEL_VERSION(5, 11, 0)', gateRange: { from: '5.11.0' } },
    ]);
  });

  it('reads the compare the other way round (constant in a register on the left), and ctx spilled to the stack', () => {
    const code = encode([
      asm.stxdw(10, 1, -8), // 0: spill ctx
      asm.lddw(1), // 1-2
      asm.ldxw(1, 1, 0), // 3: r1 = version
      asm.movImm(2, 330496), // 4
      asm.jgtReg(2, 1, 3), // 5: 5.11.0 > version → 9
      asm.ldxdw(3, 10, -8), // 6: reload ctx
      asm.ldxdw(4, 3, 0), // 7: ctx[0]
      asm.exit(), // 8
      asm.ldxdw(3, 10, -8), // 9
      asm.ldxdw(4, 3, 8), // 10: ctx[1]
      asm.exit(), // 11
    ]);
    const r = read(buildBpfObject([{ section: 'tp_btf/block_rq_issue', funcs: [{ name: 'issue', start: 0, count: 12, global: true }], code, relocs: [{ insn: 1, symbol: 'LINUX_KERNEL_VERSION' }] }], btfWith().b));
    expect(r.uses.map((u) => [u.arg, u.gate])).toEqual([
      [0, 'LINUX_KERNEL_VERSION >= KERNEL_VERSION(5, 11, 0)'],
      [1, 'LINUX_KERNEL_VERSION < KERNEL_VERSION(5, 11, 0)'],
    ]);
  });

  it('a slot chosen by a select on the version (the bitesize shape) keeps both alternatives apart', () => {
    const code = encode([
      asm.lddw(2), // 0-1
      asm.ldxw(3, 2, 0), // 2
      asm.movImm(2, 1), // 3
      asm.movImm(4, 330496), // 4
      asm.jgtReg(4, 3, 1), // 5: version < 5.11 → 7 with r2 = 1
      asm.movImm(2, 0), // 6
      asm.lsh(2, 3), // 7: r2 *= 8
      [0x0f, 1, 2, 0, 0], // 8: r1 += r2
      asm.ldxdw(7, 1, 0), // 9: ctx[r2 / 8]
      asm.exit(), // 10
    ]);
    const r = read(buildBpfObject([{ section: 'tp_btf/block_rq_issue', funcs: [{ name: 'issue', start: 0, count: 11, global: true }], code, relocs: [{ insn: 0, symbol: 'LINUX_KERNEL_VERSION' }] }], btfWith().b));
    expect(r.problems).toEqual([]);
    expect(r.uses.map((u) => [u.arg, u.gate])).toEqual([
      [0, 'LINUX_KERNEL_VERSION >= KERNEL_VERSION(5, 11, 0)'],
      [1, 'LINUX_KERNEL_VERSION < KERNEL_VERSION(5, 11, 0)'],
    ]);
  });

  it('a context read at an offset it cannot know is a problem, not a silent skip', () => {
    // r6 = ctx; r6 += a helper's result; load from r6.
    const code = encode([asm.movReg(6, 1), asm.call(7), [0x0f, 6, 0, 0, 0], asm.ldxdw(2, 6, 0), asm.exit()]);
    const r = read(buildBpfObject([{ section: 'raw_tp/sched_switch', funcs: [{ name: 'sw', start: 0, count: 5, global: true }], code }], btfWith().b));
    // What it needs for sure: the tracepoint.
    expect(r.uses.map(strip)).toEqual([{ event: ':sched_switch', attach: 'raw_tp', program: 'sw', read: 'exists-only' }]);
    expect(r.problems.map((p) => p.message)).toEqual(['BPF object: program sw: raw_tp/sched_switch instruction 3: a context read at an offset computed at run time: not read']);
  });

  it('reports an unnamed program section and counts programs that are not tracepoints', () => {
    const code = encode([asm.ldxdw(2, 1, 0), asm.exit()]);
    const r = readLibbpfFile({
      path: 'x.bpf.o',
      data: buildBpfObject(
        [
          { section: 'raw_tp', funcs: [{ name: 'manual', start: 0, count: 2, global: true }], code },
          { section: 'kprobe/do_exit', funcs: [{ name: 'kp', start: 0, count: 2, global: true }], code },
        ],
        btfWith().b,
      ),
    });
    expect(r.uses).toEqual([]);
    expect(r.problems.map((p) => p.message)).toEqual(['BPF object: program manual: SEC("raw_tp") names no tracepoint (the loader attaches it at run time): not read']);
    expect(r.objects[0]!.stats).toEqual({ programs: 2, tracepointPrograms: 1, otherPrograms: { kprobe: 1 } });
  });
});

describe('libbpf objects: tracefs programs', () => {
  it('names CO-RE field reads through the BTF, marks bpf_core_field_exists guards, lays raw_syscalls structs over syscalls:* records', () => {
    const { b, sw, sysEnter } = btfWith();
    const swCode = encode([
      asm.ldxw(2, 1, 24), // 0: ctx->prev_pid (CO-RE)
      asm.movImm(3, 1), // 1: bpf_core_field_exists(ctx->__data_loc_name)
      asm.jeq(3, 0, 1), // 2
      asm.ldxw(4, 1, 28), // 3: ctx->__data_loc_name, only where it exists
      asm.exit(), // 4
    ]);
    const sysCode = encode([asm.ldxdw(2, 1, 24), asm.exit()]);
    const data = buildBpfObject(
      [
        {
          section: 'tp/sched/sched_switch',
          funcs: [{ name: 'on_switch', start: 0, count: 5, global: true }],
          code: swCode,
          core: [
            { insn: 0, typeId: sw, access: '0:2', kind: 0 },
            { insn: 1, typeId: sw, access: '0:3', kind: 2 },
            { insn: 3, typeId: sw, access: '0:3', kind: 0 },
          ],
        },
        { section: 'tracepoint/syscalls/sys_enter_openat', funcs: [{ name: 'on_openat', start: 0, count: 2, global: true }], code: sysCode, core: [{ insn: 0, typeId: sysEnter, access: '0:2:1', kind: 0 }] },
      ],
      b,
    );
    const r = read(data);
    expect(r.problems).toEqual([]);
    expect(r.uses.map(strip)).toEqual([
      { event: 'sched:sched_switch', attach: 'tracefs', program: 'on_switch', read: 'by-name', struct: 'trace_event_raw_sched_switch', field: 'prev_pid', type: 'pid_t' },
      { event: 'sched:sched_switch', attach: 'tracefs', program: 'on_switch', read: 'exists-only', struct: 'trace_event_raw_sched_switch', field: 'name', type: '__data_loc', member: '__data_loc_name' },
      { event: 'sched:sched_switch', attach: 'tracefs', program: 'on_switch', read: 'by-name', struct: 'trace_event_raw_sched_switch', field: 'name', type: '__data_loc', member: '__data_loc_name', guarded: 'bpf_core_field_exists(__data_loc_name)' },
      { event: 'syscalls:sys_enter_openat', attach: 'tracefs', program: 'on_openat', read: 'fixed-offset', struct: 'trace_event_raw_sys_enter', member: 'args[1]', offset: 24, size: 8 },
    ]);
  });

  it('a record load no relocation patches is a fixed-offset read, named from the program context type', () => {
    const { b } = btfWith();
    const code = encode([asm.ldxw(2, 1, 8), asm.exit()]);
    const r = read(buildBpfObject([{ section: 'tracepoint/power/cpu_idle', funcs: [{ name: 'prog_fixed', start: 0, count: 2, global: true }], code }], b));
    expect(r.uses.map(strip)).toEqual([{ event: 'power:cpu_idle', attach: 'tracefs', program: 'prog_fixed', read: 'fixed-offset', offset: 8, size: 4, struct: 'my_args', field: 'cpu', type: 'unsigned int' }]);
  });
});

describe('libbpf objects: bpf_core_type_exists alternatives', () => {
  it('reads through one struct where the type exists and through the other where not, each guarded so, flavors dropped', () => {
    const b = new BtfBuilder();
    const int = b.int('int', 4, { signed: true });
    const entry = b.struct('trace_entry', 8, [{ name: 'type', type: int, bitOffset: 0 }]);
    const newer = b.struct('trace_event_raw_block_rq_completion___x', 16, [{ name: 'ent', type: entry, bitOffset: 0 }, { name: 'sector', type: int, bitOffset: 96 }]);
    const older = b.struct('trace_event_raw_block_rq_complete___x', 16, [{ name: 'ent', type: entry, bitOffset: 0 }, { name: 'sector', type: int, bitOffset: 64 }]);
    const code = encode([asm.movImm(3, 1), asm.jeq(3, 0, 2), asm.ldxw(2, 1, 12), asm.exit(), asm.ldxw(2, 1, 8), asm.exit()]);
    const data = buildBpfObject(
      [
        {
          section: 'tracepoint/block/block_rq_complete',
          funcs: [{ name: 'complete', start: 0, count: 6, global: true }],
          code,
          core: [
            { insn: 0, typeId: newer, access: '0', kind: 8 },
            { insn: 2, typeId: newer, access: '0:1', kind: 0 },
            { insn: 4, typeId: older, access: '0:1', kind: 0 },
          ],
        },
      ],
      b,
    );
    expect(read(data).uses.map((u) => [u.struct, u.field, u.guarded])).toEqual([
      ['trace_event_raw_block_rq_completion', 'sector', 'bpf_core_type_exists(struct trace_event_raw_block_rq_completion)'],
      ['trace_event_raw_block_rq_complete', 'sector', '!bpf_core_type_exists(struct trace_event_raw_block_rq_completion)'],
    ]);
  });
});

describe('libbpf: bad input', () => {
  const small = () => buildBpfObject([{ section: 'raw_tp/sched_wakeup', funcs: [{ name: 'w', start: 0, count: 2, global: true }], code: encode([asm.ldxdw(2, 1, 0), asm.exit()]) }], btfWith().b);
  const host = (obj: Buffer) => {
    // A host ELF (x86-64) with the object in its data, as a skeleton binary has it.
    const pre = Buffer.alloc(4096);
    pre.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
    pre.writeUInt16LE(62, 18);
    return Buffer.concat([pre, obj, Buffer.alloc(64)]);
  };

  it('reads an object embedded in a host binary, naming its offset', () => {
    const r = read(host(small()), 'sbin/runqlat');
    expect(r.tools[0]!.tool).toBe('runqlat');
    expect(r.uses.map((u) => [u.event, u.arg])).toEqual([[':sched_wakeup', 0]]);
    expect(r.objects.map((o) => o.offset)).toEqual([4096]);
  });

  it('a binary with no BPF object, a truncated object, a corrupt .BTF.ext: one InputError naming the file and where', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as InputError).describe();
      }
      throw new Error('no error');
    };
    expect(err(() => read(host(Buffer.alloc(0)), 'bin/ls'))).toBe('bin/ls: no embedded BPF object (no ELF with e_machine 247 in it): not a libbpf tool');
    const full = host(small());
    expect(err(() => read(full.subarray(0, 4096 + 300), 'bin/cut'))).toMatch(/^bin\/cut: BPF object at offset 4096: its section header table ends at byte \d+, past the end of the file \(4396 bytes\)$/);
    const badExt = buildBpfObject([{ section: 'raw_tp/x', funcs: [{ name: 'x', start: 0, count: 1, global: true }], code: encode([asm.exit()]) }], btfWith().b, { ext: Buffer.from([0x00, 0x11, 1, 0, 32, 0, 0, 0, ...Array(24).fill(0)]) });
    expect(err(() => read(badExt, 'x.bpf.o'))).toBe('x.bpf.o: BPF object: .BTF.ext at byte 0: bad .BTF.ext magic 0x1100');
    const trunc = Buffer.from(badExt);
    expect(err(() => read(trunc.subarray(0, 40), 'y.bpf.o'))).toBe("y.bpf.o: truncated ELF header (40 of 64 bytes)");
  });

  it('.BTF.ext: records running past the block, a short header', () => {
    expect(() => parseBtfExt(Buffer.from([0x9f, 0xeb]))).toThrow(BtfExtError);
    const b = Buffer.alloc(32 + 4 + 8);
    b.writeUInt16LE(0xeb9f, 0);
    b.writeUInt8(1, 2);
    b.writeUInt32LE(32, 4);
    b.writeUInt32LE(0, 16); // line_info at 0
    b.writeUInt32LE(12, 20); // rec size + one section header
    b.writeUInt32LE(16, 32); // record size 16
    b.writeUInt32LE(1, 36); // sec_name_off
    b.writeUInt32LE(5, 40); // 5 records, none present
    expect(() => parseBtfExt(b)).toThrow(/line_info: 5 records of 16 bytes run past the block end/);
  });
});
