import { describe, expect, it } from 'vitest';
import { BTF_KINDS, isRawBtf, parseBtf } from '../../src/btf/btf.js';
import { InputError } from '../../src/errors.js';
import { BtfBuilder } from './builder.js';

/** A little kernel: the types a trace event record and its tracepoint prototype are made of. */
function sample() {
  const b = new BtfBuilder();
  const u16 = b.int('unsigned short', 2);
  const u8 = b.int('unsigned char', 1);
  const int = b.int('int', 4, { signed: true });
  const char = b.int('char', 1, { char: true, signed: true });
  const long = b.int('long', 8, { signed: true });
  const ulong = b.int('unsigned long', 8);
  const pidT = b.ref('typedef', b.ref('typedef', int, '__kernel_pid_t'), 'pid_t');
  const entry = b.struct('trace_entry', 8, [
    { name: 'type', type: u16, bitOffset: 0 },
    { name: 'flags', type: u8, bitOffset: 16 },
    { name: 'preempt_count', type: u8, bitOffset: 24 },
    { name: 'pid', type: int, bitOffset: 32 },
  ]);
  const sizeT = b.int('unsigned int', 4);
  const comm = b.array(char, sizeT, 16);
  const flex = b.array(char, sizeT, 0);
  const raw = b.struct('trace_event_raw_demo', 48, [
    { name: 'ent', type: entry, bitOffset: 0 },
    { name: 'comm', type: comm, bitOffset: 64 },
    { name: 'pid', type: pidT, bitOffset: 192 },
    { name: 'state', type: long, bitOffset: 256 },
    { name: 'lo', type: sizeT, bitOffset: 320, bitfieldSize: 3 },
    { name: 'hi', type: sizeT, bitOffset: 323, bitfieldSize: 5 },
    { name: '__data', type: flex, bitOffset: 384 },
  ]);
  const task = b.struct('task_struct', 16, [{ name: 'x', type: ulong, bitOffset: 0 }]);
  const taskPtr = b.ref('ptr', task);
  const constChar = b.ref('const', char);
  const constCharPtr = b.ref('ptr', constChar);
  const voidPtr = b.ref('ptr', 0);
  const proto = b.funcProto(0, [['__data', voidPtr], ['prev', taskPtr], ['name', constCharPtr], ['pid', pidT]]);
  const fn = b.func('__bpf_trace_demo', proto);
  const fnPtr = b.ref('ptr', b.funcProto(0, [['', voidPtr], ['', taskPtr], ['', constCharPtr], ['', pidT]]));
  const tdef = b.ref('typedef', fnPtr, 'btf_trace_demo');
  return { b, ids: { u16, u8, int, char, long, pidT, entry, comm, raw, task, taskPtr, constCharPtr, voidPtr, proto, fn, tdef, sizeT } };
}

describe('parseBtf', () => {
  it('reads the header, every type and the strings, in both byte orders', () => {
    for (const endian of ['little', 'big'] as const) {
      const { b, ids } = sample();
      const bytes = b.build(endian);
      expect(isRawBtf(bytes)).toBe(true);
      const btf = parseBtf(bytes, { file: 'demo.btf' });
      expect(btf.endian).toBe(endian);
      expect(btf.header).toMatchObject({ magic: 0xeb9f, version: 1, hdrLen: 24, typeOff: 0 });
      expect(btf.startId).toBe(1);
      expect(btf.typeCount).toBe(ids.tdef + 1);
      expect(btf.type(ids.raw)).toMatchObject({ kind: 'struct', name: 'trace_event_raw_demo', size: 48 });
      const lo = btf.members(ids.raw).find((m) => m.name === 'lo')!;
      const hi = btf.members(ids.raw).find((m) => m.name === 'hi')!;
      expect([lo.bitOffset, lo.bitfieldSize, lo.byteOffset]).toEqual([320, 3, 40]);
      expect([hi.bitOffset, hi.bitfieldSize, hi.byteOffset]).toEqual([323, 5, 40]);
      expect(btf.type(ids.int)).toMatchObject({ kind: 'int', size: 4, encoding: 1, bits: 32, bitOffset: 0 });
      expect(btf.type(ids.comm)).toMatchObject({ kind: 'array', type: ids.char, indexType: ids.sizeT, nelems: 16 });
      expect(btf.type(ids.fn)).toMatchObject({ kind: 'func', name: '__bpf_trace_demo', type: ids.proto, linkage: 1 });
      const proto = btf.type(ids.proto);
      expect(proto.kind === 'func_proto' && proto.params.map((p) => p.name)).toEqual(['__data', 'prev', 'name', 'pid']);
    }
  });

  it('reads the remaining kinds: enum, enum64, fwd, var, datasec, float, decl_tag, type_tag, volatile, restrict', () => {
    const b = new BtfBuilder();
    const int = b.int('int', 4, { signed: true });
    const e = b.enumType('state', 4, [['A', 0], ['B', -1 >>> 0]], true);
    const ue = b.enumType('flags', 4, [['X', 1], ['Y', 0x80000000]]);
    const e64 = b.enum64('big', [['H', -2n], ['L', 5n]], true);
    const f = b.fwd('later', true);
    const v = b.variable('counter', int, 1);
    const ds = b.datasec('.data', 8, [[v, 4, 4]]);
    const fl = b.float('double', 8);
    const tag = b.declTag('user', int, -1);
    const tt = b.ref('type_tag', int, 'rcu');
    const vol = b.ref('volatile', tt);
    const res = b.ref('restrict', b.ref('ptr', vol));
    const btf = parseBtf(b.build());
    expect(btf.type(e)).toMatchObject({ kind: 'enum', signed: true, values: [{ name: 'A', value: 0 }, { name: 'B', value: -1 }] });
    expect(btf.type(ue)).toMatchObject({ kind: 'enum', signed: false, values: [{ name: 'X', value: 1 }, { name: 'Y', value: 0x80000000 }] });
    expect(btf.type(e64)).toMatchObject({ kind: 'enum64', size: 8, values: [{ name: 'H', value: -2n }, { name: 'L', value: 5n }] });
    expect(btf.type(f)).toMatchObject({ kind: 'fwd', name: 'later', union: true });
    expect(btf.type(ds)).toMatchObject({ kind: 'datasec', name: '.data', vars: [{ type: v, offset: 4, size: 4 }] });
    expect(btf.type(v)).toMatchObject({ kind: 'var', linkage: 1, type: int });
    expect(btf.type(fl)).toMatchObject({ kind: 'float', size: 8 });
    expect(btf.type(tag)).toMatchObject({ kind: 'decl_tag', componentIdx: -1, type: int });
    expect(btf.isSigned(e)).toBe(true);
    expect(btf.isSigned(ue)).toBe(false);
    expect(btf.sizeOf(e64)).toBe(8);
    expect(btf.sizeOf(v)).toBe(4);
    expect(btf.skipModifiers(vol)).toBe(int);
    expect(btf.cType(res)).toBe('volatile int * restrict');
    expect(btf.cType(f)).toBe('union later');
    expect(() => btf.sizeOf(f)).toThrow(/has no size/);
    expect(BTF_KINDS.length).toBe(20);
  });

  it('answers sizes, signedness, C spellings and typedef chains', () => {
    const { b, ids } = sample();
    const btf = parseBtf(b.build());
    expect(btf.sizeOf(ids.raw)).toBe(48);
    expect(btf.sizeOf(ids.comm)).toBe(16);
    expect(btf.sizeOf(ids.pidT)).toBe(4);
    expect(btf.sizeOf(ids.taskPtr)).toBe(8);
    expect(btf.isSigned(ids.pidT)).toBe(true);
    expect(btf.isSigned(ids.comm)).toBe(true);
    expect(btf.isSigned(ids.u16)).toBe(false);
    expect(btf.isSigned(ids.taskPtr)).toBe(false);
    expect(btf.isSigned(ids.entry)).toBeUndefined();
    expect(btf.typedefChain(ids.pidT)).toEqual(['pid_t', '__kernel_pid_t']);
    expect(btf.resolve(ids.pidT)).toBe(ids.int);
    expect(btf.cType(ids.constCharPtr)).toBe('const char *');
    expect(btf.cType(ids.taskPtr)).toBe('struct task_struct *');
    expect(btf.cType(ids.comm)).toBe('char[16]');
    expect(btf.cDecl(ids.comm, 'comm')).toBe('char comm[16]');
    expect(btf.cType(ids.voidPtr)).toBe('void *');
    expect(btf.cType(ids.tdef)).toBe('btf_trace_demo');
    const tdef = btf.type(ids.tdef);
    expect(tdef.kind === 'typedef' && btf.cType(tdef.type)).toBe('void (*)(void *, struct task_struct *, const char *, pid_t)');
    expect(btf.cDecl(ids.fn, '__bpf_trace_demo')).toBe('void __bpf_trace_demo(void *, struct task_struct *, const char *, pid_t)');
    expect(btf.byName('pid_t', 'typedef').map((t) => t.id)).toEqual([ids.pidT]);
    expect(btf.byName('pid_t', 'struct')).toEqual([]);
    expect(btf.byName('int').map((t) => t.kind)).toEqual(['int']);
  });

  it('spells pointers to arrays, arrays of pointers and pointers to functions as C does', () => {
    const b = new BtfBuilder();
    const int = b.int('int', 4, { signed: true });
    const arr = b.array(int, int, 4);
    const ptrToArr = b.ref('ptr', arr);
    const arrOfPtr = b.array(b.ref('ptr', int), int, 2);
    const fp = b.ref('ptr', b.funcProto(int, [['a', int], ['', 0]]));
    const noArgs = b.ref('ptr', b.funcProto(0, []));
    const cptr = b.ref('const', b.ref('ptr', int));
    const btf = parseBtf(b.build());
    expect(btf.cDecl(ptrToArr, 'p')).toBe('int (*p)[4]');
    expect(btf.cDecl(arrOfPtr, 'a')).toBe('int *a[2]');
    expect(btf.cDecl(fp, 'cb')).toBe('int (*cb)(int, ...)');
    expect(btf.cType(noArgs)).toBe('void (*)(void)');
    expect(btf.cDecl(cptr, 'x')).toBe('int * const x');
    expect(btf.sizeOf(arrOfPtr)).toBe(16);
    expect([btf.alignOf(int), btf.alignOf(arr), btf.alignOf(arrOfPtr), btf.alignOf(0)]).toEqual([4, 4, 8, 1]);
  });

  it('expands anonymous members in place', () => {
    const b = new BtfBuilder();
    const int = b.int('int', 4, { signed: true });
    const inner = b.struct('', 8, [{ name: 'a', type: int, bitOffset: 0 }, { name: 'b', type: int, bitOffset: 32 }]);
    const un = b.struct('', 8, [{ name: '', type: inner, bitOffset: 0 }, { name: 'whole', type: b.int('long', 8, { signed: true }), bitOffset: 0 }], true);
    const outer = b.struct('outer', 12, [{ name: 'x', type: int, bitOffset: 0 }, { name: '', type: un, bitOffset: 32 }]);
    const btf = parseBtf(b.build());
    expect(btf.flatMembers(outer).map((m) => [m.name, m.byteOffset])).toEqual([['x', 0], ['a', 4], ['b', 8], ['whole', 4]]);
    expect(btf.members(outer).map((m) => m.name)).toEqual(['x', '']);
    expect(() => btf.members(int)).toThrow(/not a struct or union/);
  });

  it('reads split BTF over a base: ids and string offsets continue the base', () => {
    const { b, ids } = sample();
    const base = parseBtf(b.build(), { file: 'vmlinux' });
    const split = new BtfBuilder({ startId: base.typeCount, strStart: base.strEnd });
    const mod = split.struct('trace_event_raw_xfs_demo', 16, [
      { name: 'ent', type: ids.entry, bitOffset: 0 },
      { name: 'pid', type: ids.pidT, bitOffset: 64 },
    ]);
    const modPtr = split.ref('ptr', mod);
    const reuse = split.ref('typedef', ids.int, 'pid_t'); // a string the base already has, by its base offset
    const btf = parseBtf(split.build(), { file: 'xfs.ko', base });
    expect(btf.startId).toBe(base.typeCount);
    expect(mod).toBe(base.typeCount);
    expect(btf.type(mod)).toMatchObject({ name: 'trace_event_raw_xfs_demo', kind: 'struct' });
    expect(btf.type(ids.entry).name).toBe('trace_entry');
    expect(btf.cType(modPtr)).toBe('struct trace_event_raw_xfs_demo *');
    expect(btf.type(reuse).name).toBe('pid_t');
    expect(btf.byName('pid_t', 'typedef').map((t) => t.id)).toEqual([ids.pidT, reuse]);
    expect(btf.ownTypes().map((t) => t.id)).toEqual([mod, modPtr, reuse]);
    expect(btf.members(mod).map((m) => btf.cDecl(m.type, m.name))).toEqual(['struct trace_entry ent', 'pid_t pid']);
    // Without its base the same bytes name strings and types that are not there.
    expect(() => parseBtf(split.build(), { file: 'xfs.ko' })).toThrow(InputError);
  });
});

describe('parseBtf rejects bad input with the file and where', () => {
  const fails = (bytes: Uint8Array, re: RegExp) => {
    let err: unknown;
    try {
      parseBtf(bytes, { file: 'bad.btf' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).file).toBe('bad.btf');
    expect((err as InputError).message).toMatch(re);
  };

  it('truncated header and sections', () => {
    const { b } = sample();
    const good = b.build();
    fails(good.subarray(0, 10), /truncated BTF header/);
    fails(good.subarray(0, good.length - 5), /truncated BTF: string section/);
    fails(Uint8Array.from([0x12, 0x34, ...good.subarray(2)]), /not BTF/);
  });

  it('a type record cut short names its type id', () => {
    const b = new BtfBuilder();
    b.int('int', 4);
    b.raw('struct', 'cut', 3, false, 12, [0, 1, 0]); // says 3 members, has one
    fails(b.build(), /type id 2 \(at offset 16 of the type section\) needs 48 bytes/);
  });

  it('a string offset past the string section', () => {
    const b = new BtfBuilder();
    b.int('int', 4);
    b.raw('typedef', 9999, 0, false, 1);
    fails(b.build(), /type id 2 .*string offset 9999 is past the string section/);
  });

  it('an unknown kind', () => {
    const b = new BtfBuilder();
    b.raw(25, 'odd', 0, false, 0);
    fails(b.build(), /type id 1 .*unknown kind 25/);
  });

  it('a reference to a type id that does not exist', () => {
    const b = new BtfBuilder();
    b.ref('ptr', 7);
    fails(b.build(), /type id 1 .*referenced type id 7 does not exist/);
    const s = new BtfBuilder();
    s.struct('s', 4, [{ name: 'm', type: 42, bitOffset: 0 }]);
    fails(s.build(), /type id 1 .*member m's type id 42 does not exist/);
  });

  it('a type id loop', () => {
    const b = new BtfBuilder();
    b.int('int', 4);
    b.ref('typedef', 3, 'a'); // 2 -> 3
    b.ref('const', 4); // 3 -> 4
    b.ref('ptr', 2); // 4 -> 2
    fails(b.build(), /type id loop 2 -> 3 -> 4 -> 2/);
    const self = new BtfBuilder();
    self.array(1, 1, 4);
    fails(self.build(), /type id 1 .*type id loop 1 -> 1/);
  });

  it('a loop through a struct is not a loop (a list node points to its own type)', () => {
    const b = new BtfBuilder();
    const node = b.struct('node', 8, [{ name: 'next', type: 2, bitOffset: 0 }]);
    b.ref('ptr', node);
    const btf = parseBtf(b.build());
    expect(btf.cDecl(btf.members(node)[0]!.type, 'next')).toBe('struct node *next');
  });
});
