/**
 * A miniature kernel's BTF, laid out the way the kernel's trace macros leave it (include/trace/trace_events.h,
 * bpf_probe.h): trace_entry, classes (`__bpf_trace_<class>`, `trace_event_raw_<class>`,
 * `trace_event_data_offsets_<class>`, `trace_event_raw_event_<class>`), tracepoints (`btf_trace_<tp>`,
 * `__traceiter_<tp>`, `__probestub_<tp>`), a bare tracepoint, a DEFINE_EVENT, two classes that share one
 * prototype, and a bzImage wrapper around an ELF holding it. Names and layouts follow real 6.x kernels.
 */
import zlib from 'node:zlib';
import { BtfBuilder, buildElf } from './builder.js';

export interface SampleOptions {
  /** PREEMPT_RT 6.1's 12-byte trace_entry (preempt_lazy_count, migrate_disable). */
  rt?: boolean;
  /** Leave out __probestub_ (kernels before 6.4). */
  noProbeStubs?: boolean;
}

export function sampleKernel(opts: SampleOptions = {}) {
  const b = new BtfBuilder();
  const u8 = b.int('unsigned char', 1);
  const u16 = b.int('short unsigned int', 2);
  const int = b.int('int', 4, { signed: true });
  const uint = b.int('unsigned int', 4);
  const long = b.int('long int', 8, { signed: true });
  const ulong = b.int('long unsigned int', 8);
  const char = b.int('char', 1);
  const bool = b.int('_Bool', 1, { bool: true });
  const u32 = b.ref('typedef', uint, 'u32');
  const pidT = b.ref('typedef', b.ref('typedef', int, '__kernel_pid_t'), 'pid_t');
  const voidPtr = b.ref('ptr', 0);
  const entryMembers = [
    { name: 'type', type: u16, bitOffset: 0 },
    { name: 'flags', type: u8, bitOffset: 16 },
    { name: 'preempt_count', type: u8, bitOffset: 24 },
    { name: 'pid', type: int, bitOffset: 32 },
  ];
  if (opts.rt) entryMembers.push({ name: 'preempt_lazy_count', type: u8, bitOffset: 64 }, { name: 'migrate_disable', type: u8, bitOffset: 72 });
  const entry = b.struct('trace_entry', opts.rt ? 12 : 8, entryMembers);
  const base = opts.rt ? 96 : 64; // bits where the payload starts
  const comm = b.array(char, int, 16);
  const flex = b.array(char, int, 0);
  const task = b.struct('task_struct', 64, [{ name: 'pid', type: pidT, bitOffset: 0 }]);
  const taskPtr = b.ref('ptr', task);
  const rq = b.struct('request', 32, [{ name: 'x', type: ulong, bitOffset: 0 }]);
  const rqPtr = b.ref('ptr', rq);

  const proto = (params: [string, number][]) => b.funcProto(0, [['__data', voidPtr], ...params]);
  const unnamed = (params: number[]) => b.ref('ptr', b.funcProto(0, [['', voidPtr], ...params.map((t) => ['', t] as [string, number])]));

  // TRACE_EVENT(sched_switch): its own class.
  const switchProto = proto([['preempt', bool], ['prev', taskPtr], ['next', taskPtr], ['prev_state', uint]]);
  b.func('__bpf_trace_sched_switch', switchProto, 0);
  b.func('trace_event_raw_event_sched_switch', switchProto, 0);
  b.struct('trace_event_raw_sched_switch', (base + 448) / 8, [
    { name: 'ent', type: entry, bitOffset: 0 },
    { name: 'prev_comm', type: comm, bitOffset: base },
    { name: 'prev_pid', type: pidT, bitOffset: base + 128 },
    { name: 'prev_state', type: long, bitOffset: base + 192 },
    { name: 'next_comm', type: comm, bitOffset: base + 256 },
    { name: 'next_pid', type: pidT, bitOffset: base + 384 },
    { name: '__data', type: flex, bitOffset: base + 448 },
  ]);
  b.struct('trace_event_data_offsets_sched_switch', 0, []);
  b.ref('typedef', unnamed([bool, taskPtr, taskPtr, uint]), 'btf_trace_sched_switch');
  b.func('__traceiter_sched_switch', b.funcProto(int, [['__data', voidPtr], ['preempt', bool], ['prev', taskPtr], ['next', taskPtr], ['prev_state', uint]]));
  if (!opts.noProbeStubs) b.func('__probestub_sched_switch', switchProto, 0);

  // TRACE_EVENT(sched_process_exec) with a __string: `u32 __data_loc_filename`.
  const execProto = proto([['p', taskPtr], ['old_pid', pidT]]);
  b.func('__bpf_trace_sched_process_exec', execProto, 0);
  b.func('trace_event_raw_event_sched_process_exec', execProto, 0);
  b.struct('trace_event_raw_sched_process_exec', (base + 96) / 8, [
    { name: 'ent', type: entry, bitOffset: 0 },
    { name: '__data_loc_filename', type: u32, bitOffset: base },
    { name: 'pid', type: pidT, bitOffset: base + 32 },
    { name: '__rel_loc_args', type: u32, bitOffset: base + 64 },
    { name: '__data', type: flex, bitOffset: base + 96 },
  ]);
  b.struct('trace_event_data_offsets_sched_process_exec', 8, [{ name: 'filename', type: u32, bitOffset: 0 }, { name: 'args', type: u32, bitOffset: 32 }]);
  b.ref('typedef', unnamed([taskPtr, pidT]), 'btf_trace_sched_process_exec');
  b.func('__traceiter_sched_process_exec', b.funcProto(int, [['__data', voidPtr], ['p', taskPtr], ['old_pid', pidT]]));
  if (!opts.noProbeStubs) b.func('__probestub_sched_process_exec', execProto, 0);

  // DECLARE_TRACE(sched_update_nr_running_tp): a bare tracepoint, its own class, no record.
  const nrProto = proto([['rq', rqPtr], ['change', int]]);
  b.func('__bpf_trace_sched_update_nr_running_tp', nrProto, 0);
  b.ref('typedef', unnamed([rqPtr, int]), 'btf_trace_sched_update_nr_running_tp');
  b.func('__traceiter_sched_update_nr_running_tp', b.funcProto(int, [['__data', voidPtr], ['rq', rqPtr], ['change', int]]));
  if (!opts.noProbeStubs) b.func('__probestub_sched_update_nr_running_tp', nrProto, 0);

  // DECLARE_EVENT_CLASS(block_rq) and (block_rq_requeue), both (struct request *rq): BTF keeps one prototype.
  const rqProto = proto([['rq', rqPtr]]);
  for (const [cls, fields] of [
    ['block_rq', [{ name: 'dev', type: u32, bitOffset: base }, { name: 'sector', type: ulong, bitOffset: base + 64 }]],
    ['block_rq_requeue', [{ name: 'dev', type: u32, bitOffset: base }, { name: 'nr_sector', type: uint, bitOffset: base + 32 }]],
  ] as const) {
    b.func(`__bpf_trace_${cls}`, rqProto, 0);
    b.func(`trace_event_raw_event_${cls}`, rqProto, 0);
    b.struct(`trace_event_raw_${cls}`, (base + 128) / 8, [{ name: 'ent', type: entry, bitOffset: 0 }, ...fields, { name: '__data', type: flex, bitOffset: base + 128 }]);
    b.struct(`trace_event_data_offsets_${cls}`, 0, []);
  }
  // block_rq_issue and block_rq_requeue: DEFINE_EVENT(block_rq, block_rq_issue), DEFINE_EVENT(block_rq_requeue, ...)
  // tell apart by name; block_io_start (DEFINE_EVENT(block_rq, block_io_start)) cannot be.
  for (const tp of ['block_rq_issue', 'block_rq_requeue', 'block_io_start']) {
    b.ref('typedef', unnamed([rqPtr]), `btf_trace_${tp}`);
    b.func(`__traceiter_${tp}`, b.funcProto(int, [['__data', voidPtr], ['rq', rqPtr]]));
    if (!opts.noProbeStubs) b.func(`__probestub_${tp}`, rqProto, 0);
  }
  return { b, ids: { entry, taskPtr, int, uint, long, char, voidPtr } };
}

export function sampleBtf(opts: SampleOptions = {}): Uint8Array {
  return sampleKernel(opts).b.build();
}

/** An x86-64 ELF (a vmlinux, in miniature) with the sample's .BTF. */
export function sampleVmlinux(opts: SampleOptions = {}): Uint8Array {
  return buildElf([{ name: '.text', data: Uint8Array.from([0xc3]) }, { name: '.BTF', data: sampleBtf(opts) }]);
}

/**
 * A bzImage around a compressed payload: the setup header fields the reader uses (boot signature, "HdrS",
 * protocol 2.15, setup_sects, payload_offset/length, kernel_version), then the payload and, as the kernel's
 * build does for xz and zstd, its uncompressed size.
 */
export function bzImage(payload: Uint8Array, opts: { appendSize?: number; version?: string } = {}): Uint8Array {
  const setupSects = 3;
  const start = (setupSects + 1) * 512;
  const tail = opts.appendSize !== undefined ? 4 : 0;
  const out = Buffer.alloc(start + 0x100 + payload.length + tail);
  out[0x1f1] = setupSects;
  out[0x1fe] = 0x55;
  out[0x1ff] = 0xaa;
  out.write('HdrS', 0x202, 'latin1');
  out.writeUInt16LE(0x20f, 0x206);
  const version = opts.version ?? '6.1.0-50-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.1.176-1';
  out.write(`${version}\0`, 0x400, 'latin1');
  out.writeUInt16LE(0x400 - 0x200, 0x20e);
  out.writeUInt32LE(0x100, 0x248);
  out.writeUInt32LE(payload.length + tail, 0x24c);
  out.set(payload, start + 0x100);
  if (opts.appendSize !== undefined) out.writeUInt32LE(opts.appendSize, start + 0x100 + payload.length);
  return out;
}

export function gzipVmlinuz(opts: SampleOptions = {}): Uint8Array {
  return bzImage(zlib.gzipSync(sampleVmlinux(opts)));
}
