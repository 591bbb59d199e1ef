/**
 * The btf source kind end to end on inputs built here: raw BTF, compressed raw BTF, an ELF vmlinux, vmlinuz with
 * gzip, xz and zstd payloads, and an unpacked kernel package whose module's tracepoint class comes from its
 * relocations. (The real Debian images and the 6.18.44 BTF are read in test/kernels/ and test/btf/real-btf.test.ts.)
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBtf } from '../../src/btf/btf.js';
import { bzImagePayload } from '../../src/btf/bzimage.js';
import { parseElf, SHT_RELA, SHT_STRTAB, SHT_SYMTAB } from '../../src/btf/elf.js';
import { detectKind, loadSource } from '../../src/sources/registry.js';
import { moduleClassEvidence } from '../../src/sources/btf/relocations.js';
import { BtfBuilder, buildElf, rela, symtab } from './builder.js';
import { bzImage, gzipVmlinuz, sampleBtf, sampleKernel, sampleVmlinux } from './kernel-sample.js';

const require = createRequire(import.meta.url);
const lzma = require('lzma-native') as { compress(b: Buffer, opts?: Record<string, unknown>): Promise<Buffer> };
const zstd = require('@foxglove/wasm-zstd') as { isLoaded: Promise<boolean>; compress(b: Uint8Array, level?: number): Buffer };

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-btf-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, data: Uint8Array) => {
  const p = path.join(tmp, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, data);
  return p;
};

/** What a snapshot says about the sample, independent of where it was read from. */
const gist = (s: Awaited<ReturnType<typeof loadSource>>['snapshot']) => ({
  events: s.events.map((e) => `${e.name}:${e.kind}:${e.fields.length}${e.fieldsUnknown ? '?' : ''}`),
  common: s.header.common.map((f) => f.name),
});

describe('btf source kind', () => {
  let expected: ReturnType<typeof gist>;
  beforeAll(async () => {
    expected = gist((await loadSource(write('raw.btf', sampleBtf()))).snapshot);
  });

  it('reads raw BTF into a snapshot of kind btf: events without system, normalised types, problems said', async () => {
    const file = path.join(tmp, 'raw.btf');
    expect(detectKind(file)).toBe('btf');
    const { snapshot: s } = await loadSource(file);
    expect(s.kernel).toEqual({ source: file, kind: 'btf' });
    expect(expected.events).toEqual(['block_io_start:event:0?', 'block_rq_issue:event:2', 'block_rq_requeue:event:2', 'sched_process_exec:event:3', 'sched_switch:event:5', 'sched_update_nr_running_tp:tracepoint:0']);
    expect(s.header.common.map((f) => `${f.type} ${f.name}`)).toEqual(['unsigned short common_type', 'unsigned char common_flags', 'unsigned char common_preempt_count', 'int common_pid']);
    const sw = s.events.find((e) => e.name === 'sched_switch')!;
    expect(sw.system).toBe('');
    expect(sw.fields.find((f) => f.name === 'prev_state')!.type).toBe('long');
    expect(sw.proto![0]).toEqual({ type: '_Bool', name: 'preempt' });
    expect(s.problems!.map((p) => p.message)).toContain('tracepoint block_io_start: class is one of block_rq, block_rq_requeue (same prototype) and their records differ, so its layout is unknown');
  });

  it('reads the same from a compressed raw BTF (.xz, .gz, .zst) and from an ELF vmlinux', async () => {
    const raw = Buffer.from(sampleBtf());
    await zstd.isLoaded;
    const inputs = [
      write('btf-vmlinux.xz', await lzma.compress(raw)),
      write('btf-vmlinux.gz', zlib.gzipSync(raw)),
      write('btf-vmlinux.zst', zstd.compress(raw, 3)),
      write('vmlinux', sampleVmlinux()),
    ];
    for (const f of inputs) {
      expect(detectKind(f)).toBe('btf');
      const { snapshot } = await loadSource(f);
      expect(gist(snapshot)).toEqual(expected);
    }
    expect((await loadSource(inputs[3]!)).snapshot.kernel.arch).toBe('x86_64');
  });

  it('reads vmlinuz whose payload is gzip, xz (x86 BCJ, as kernels are built) or zstd, with the release', async () => {
    const elf = Buffer.from(sampleVmlinux());
    await zstd.isLoaded;
    const xz = await lzma.compress(elf, { filters: [{ id: 0x04 /* LZMA_FILTER_X86 */ }, { id: 0x21, options: { preset: 6 } }] as unknown });
    const images = {
      gzip: gzipVmlinuz(),
      xz: bzImage(xz, { appendSize: elf.length }),
      zstd: bzImage(zstd.compress(elf, 19), { appendSize: elf.length }),
    };
    for (const [kind, img] of Object.entries(images)) {
      const f = write(`vmlinuz-${kind}`, img);
      expect(bzImagePayload(img).compression).toBe(kind);
      expect(detectKind(f)).toBe('btf');
      const { snapshot } = await loadSource(f);
      expect(gist(snapshot)).toEqual(expected);
      expect(snapshot.kernel).toMatchObject({ kind: 'btf', release: '6.1.0-50-amd64', arch: 'x86_64' });
    }
  });

  it('reads an unpacked kernel package: vmlinuz and each module\'s split BTF, a module\'s class from its relocations', async () => {
    const dir = path.join(tmp, 'pkg');
    write('pkg/boot/vmlinuz-6.1.0-50-amd64', gzipVmlinuz());
    write('pkg/boot/config-6.1.0-50-amd64', Buffer.from('CONFIG_DEBUG_INFO_BTF=y\n'));
    const base = parseBtf(sampleBtf());
    const { ids } = sampleKernel();
    // A module with two classes of one prototype (int ip) and one event of each: names cannot tell which is
    // which (xfs_a_done / xfs_b_done), the module's __bpf_raw_tp_map relocations can.
    const split = new BtfBuilder({ startId: base.typeCount, strStart: base.strEnd });
    const proto = split.funcProto(0, [['__data', ids.voidPtr], ['ip', ids.int]]);
    for (const [cls, field] of [['xfs_a', 'a'], ['xfs_b', 'b']]) {
      split.func(`__bpf_trace_${cls}`, proto, 0);
      split.func(`trace_event_raw_event_${cls}`, proto, 0);
      split.struct(`trace_event_raw_${cls}`, 16, [{ name: 'ent', type: ids.entry, bitOffset: 0 }, { name: field!, type: ids.int, bitOffset: 64 }]);
      split.struct(`trace_event_data_offsets_${cls}`, 0, []);
    }
    const ptrType = split.funcProto(0, [['', ids.voidPtr], ['', ids.int]]);
    for (const tp of ['done_one', 'done_two']) split.ref('typedef', split.ref('ptr', ptrType), `btf_trace_${tp}`);
    const mapPtr = split.ref('ptr', 0);
    split.struct('bpf_raw_event_map', 32, [{ name: 'tp', type: mapPtr, bitOffset: 0 }, { name: 'bpf_func', type: mapPtr, bitOffset: 64 }]);
    // Sections: 1 .text, 2 __bpf_raw_tp_map, 3 .rela__bpf_raw_tp_map, 4 .symtab, 5 .strtab, 6 .BTF
    const syms = symtab([
      { name: '', value: 0, type: 3, shndx: 1 }, // the .text section symbol (static functions are relocated through it)
      { name: '__bpf_trace_xfs_a', value: 0x10, type: 2, shndx: 1 },
      { name: '__bpf_trace_xfs_b', value: 0x40, type: 2, shndx: 1 },
      { name: '__tracepoint_done_one', value: 0, type: 1, bind: 1, shndx: 0 },
      { name: '__tracepoint_done_two', value: 0, type: 1, bind: 1, shndx: 0 },
    ]);
    const relocs = rela([
      { offset: 0, sym: 4 }, { offset: 8, sym: 1, addend: 0x40 }, // done_one → .text+0x40 = __bpf_trace_xfs_b
      { offset: 32, sym: 5 }, { offset: 40, sym: 2 }, // done_two → __bpf_trace_xfs_a by name
    ]);
    const ko = buildElf([
      { name: '.text', data: new Uint8Array(0x80) },
      { name: '__bpf_raw_tp_map', data: new Uint8Array(64) },
      { name: '.rela__bpf_raw_tp_map', type: SHT_RELA, data: relocs, link: 4, info: 2, entsize: 24 },
      { name: '.symtab', type: SHT_SYMTAB, data: syms.symtab, link: 5, entsize: 24 },
      { name: '.strtab', type: SHT_STRTAB, data: syms.strtab },
      { name: '.BTF', data: split.build() },
    ]);
    expect(moduleClassEvidence(parseElf(ko), parseBtf(split.build(), { base }))).toEqual(new Map([['done_one', 'xfs_b'], ['done_two', 'xfs_a']]));
    write('pkg/lib/modules/6.1.0-50-amd64/kernel/fs/xfs/xfs.ko.xz', await lzma.compress(Buffer.from(ko)));
    write('pkg/lib/modules/6.1.0-50-amd64/kernel/fs/nobtf.ko', buildElf([{ name: '.text', data: new Uint8Array(4) }]));
    write('pkg/lib/modules/6.1.0-50-amd64/kernel/fs/broken.ko', Buffer.from(ko.subarray(0, 100)));

    expect(detectKind(dir)).toBe('btf');
    const { snapshot: s } = await loadSource(dir);
    expect(s.kernel).toMatchObject({ kind: 'btf', release: '6.1.0-50-amd64', arch: 'x86_64' });
    const one = s.events.find((e) => e.name === 'done_one')!;
    const two = s.events.find((e) => e.name === 'done_two')!;
    expect(one).toMatchObject({ kind: 'event', class: 'xfs_b', fields: [{ name: 'b', offset: 8 }] });
    expect(two).toMatchObject({ kind: 'event', class: 'xfs_a', fields: [{ name: 'a', offset: 8 }] });
    expect(s.events.length).toBe(expected.events.length + 2);
    const modProblems = s.problems!.filter((p) => p.file.startsWith('lib/')).map((p) => `${p.file}: ${p.message}`);
    expect(modProblems).toEqual([
      expect.stringMatching(/^lib\/modules\/6\.1\.0-50-amd64\/kernel\/fs\/broken\.ko: module not read: .*past the end of the file/),
      'lib/modules/6.1.0-50-amd64/kernel/fs/nobtf.ko: module has no .BTF section: its tracepoints are not read',
    ]);
  });
});
