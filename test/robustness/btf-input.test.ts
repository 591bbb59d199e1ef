/**
 * The bad-input catalog for BTF sources: truncated BTF, a string offset past the string section, a type id loop,
 * an ELF without .BTF, a corrupt xz payload in a vmlinuz, and their neighbours. Every case through the CLI: exit 2,
 * one stderr line `tpdrift: FILE: MESSAGE` naming the type id or offset, nothing on stdout, no stack trace, an
 * existing -o file untouched. Plus a fuzz pass: random byte edits of a real-shaped BTF and ELF either read or fail
 * as one InputError, never anything else.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadSource } from '../../src/sources/registry.js';
import { BtfBuilder, buildElf } from '../btf/builder.js';
import { bzImage, sampleBtf, sampleVmlinux } from '../btf/kernel-sample.js';
import { runCli } from '../helpers/cli.js';

const require = createRequire(import.meta.url);
const lzma = require('lzma-native') as { compress(b: Buffer): Promise<Buffer> };

let tmp: string;
let n = 0;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-btf-bad-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, data: Uint8Array | string) => {
  const p = path.join(tmp, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, data);
  return p;
};

const run = (args: string[]) => runCli(args, { cwd: tmp });

interface Case {
  name: string;
  setup: () => Promise<{ file: string; error: RegExp }> | { file: string; error: RegExp };
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const CASES: Case[] = [
  {
    name: 'truncated BTF: the string section cut short',
    setup: () => {
      const good = sampleBtf();
      const file = write('cut.btf', good.subarray(0, good.length - 40));
      return { file, error: new RegExp(`^${esc(file)}: truncated BTF: string section \\(offset \\d+, \\d+ bytes\\) ends past the end of the data \\(\\d+ bytes\\)$`) };
    },
  },
  {
    name: 'truncated BTF: the header cut short',
    setup: () => {
      const file = write('tiny.btf', sampleBtf().subarray(0, 12));
      return { file, error: new RegExp(`^${esc(file)}: truncated BTF header \\(12 of 24 bytes\\)$`) };
    },
  },
  {
    name: 'a type record cut short (type section length edited)',
    setup: () => {
      const b = new BtfBuilder();
      b.int('int', 4);
      b.raw('struct', 'trace_event_raw_x', 4, false, 8, [0, 1, 0]); // says 4 members, has one
      const file = write('short-type.btf', b.build());
      return { file, error: new RegExp(`^${esc(file)}: truncated BTF: type id 2 \\(at offset 16 of the type section\\) needs 60 bytes, 24 left$`) };
    },
  },
  {
    name: 'a string offset past the string section',
    setup: () => {
      const b = new BtfBuilder();
      b.int('int', 4);
      b.raw('typedef', 123456, 0, false, 1);
      const file = write('bad-str.btf', b.build());
      return { file, error: new RegExp(`^${esc(file)}: BTF type id 2 \\(at offset 16 of the type section\\): string offset 123456 is past the string section \\(\\d+ bytes\\)$`) };
    },
  },
  {
    name: 'a type id loop',
    setup: () => {
      const b = new BtfBuilder();
      b.int('int', 4);
      b.ref('typedef', 3, 'a');
      b.ref('volatile', 2);
      const file = write('loop.btf', b.build());
      return { file, error: new RegExp(`^${esc(file)}: BTF type id 2 \\(at offset 16 of the type section\\): type id loop 2 -> 3 -> 2$`) };
    },
  },
  {
    name: 'a member naming a type id that does not exist',
    setup: () => {
      const b = new BtfBuilder();
      b.struct('trace_entry', 8, [{ name: 'type', type: 99, bitOffset: 0 }]);
      const file = write('dangling.btf', b.build());
      return { file, error: new RegExp(`^${esc(file)}: BTF type id 1 \\(at offset 0 of the type section\\): member type's type id 99 does not exist \\(2 types\\)$`) };
    },
  },
  {
    name: 'an ELF without .BTF',
    setup: () => {
      const file = write('vmlinux-nobtf', buildElf([{ name: '.text', data: Uint8Array.from([0xc3]) }]));
      return { file, error: new RegExp(`^${esc(file)}: ELF has no \\.BTF section \\(3 sections\\): a kernel built without CONFIG_DEBUG_INFO_BTF\\?$`) };
    },
  },
  {
    name: 'a truncated ELF',
    setup: () => {
      const good = sampleVmlinux();
      const file = write('vmlinux-cut', good.subarray(0, good.length - 100));
      return { file, error: new RegExp(`^${esc(file)}: ELF section header table \\(4 entries at offset \\d+\\) is past the end of the file \\(\\d+ bytes\\)$`) };
    },
  },
  {
    name: 'a corrupt xz payload in a vmlinuz',
    setup: async () => {
      const xz = Buffer.from(await lzma.compress(Buffer.from(sampleVmlinux())));
      for (let i = 40; i < 80; i++) xz[i] ^= 0x5a;
      const file = write('vmlinuz-corrupt', bzImage(xz, { appendSize: 4096 }));
      return { file, error: new RegExp(`^${esc(file)}: corrupt xz data \\(bzImage payload at offset 2304\\): .+$`) };
    },
  },
  {
    name: 'a vmlinuz whose payload header points past the end',
    setup: () => {
      const img = Buffer.from(bzImage(Buffer.from('not much')));
      img.writeUInt32LE(1 << 30, 0x24c);
      const file = write('vmlinuz-short', img);
      return { file, error: new RegExp(`^${esc(file)}: bzImage payload \\(offset 2304, 1073741824 bytes, from the header at 0x248\\) is past the end of the file \\(\\d+ bytes\\)$`) };
    },
  },
  {
    name: 'a vmlinuz with an lz4 payload (a format tpdrift does not read)',
    setup: () => {
      const file = write('vmlinuz-lz4', bzImage(Uint8Array.from([0x02, 0x21, 0x4c, 0x18, 1, 2, 3, 4])));
      return { file, error: new RegExp(`^${esc(file)}: bzImage payload at offset 2304 is lz4-compressed, which tpdrift does not read \\(gzip, xz and zstd it does\\)$`) };
    },
  },
  {
    name: 'a compressed file that is not BTF inside',
    setup: async () => {
      const file = write('notes.xz', await lzma.compress(Buffer.from('hello, not a kernel\n')));
      return { file, error: new RegExp(`^${esc(file)}: not BTF: no 0xEB9F magic, no ELF, no bzImage or arm64 Image header$`) };
    },
  },
  {
    name: 'a module (split BTF) given alone, without its vmlinux base',
    setup: () => {
      const base = new BtfBuilder();
      base.int('int', 4);
      const split = new BtfBuilder({ startId: 2, strStart: 5 });
      split.ref('typedef', 1, 'pid_t');
      const file = write('mod.ko', buildElf([{ name: '.BTF', data: split.build() }]));
      return { file, error: new RegExp(`^${esc(file)}: BTF string section \\(offset 36\\) does not start with an empty string: split BTF \\(a module's \\.BTF\\) is read over its vmlinux base, e\\.g\\. from the kernel package directory$`) };
    },
  },
  {
    name: 'a kernel package directory with two kernels',
    setup: () => {
      const dir = path.join(tmp, `pkg-two-${++n}`);
      write(`${path.basename(dir)}/boot/vmlinuz-6.1.0-1-amd64`, bzImage(Uint8Array.from([1])));
      write(`${path.basename(dir)}/boot/vmlinuz-6.1.0-2-amd64`, bzImage(Uint8Array.from([1])));
      fs.mkdirSync(path.join(dir, 'lib/modules'), { recursive: true });
      return { file: dir, error: new RegExp(`^${esc(path.join(dir, 'boot'))}: several kernels \\(vmlinuz-6\\.1\\.0-1-amd64, vmlinuz-6\\.1\\.0-2-amd64\\): give one vmlinuz$`) };
    },
  },
  {
    name: 'an arm64 Image (Debian arm64 vmlinuz) without BTF',
    setup: () => {
      const b = Buffer.alloc(8192);
      b.writeUInt32LE(0x644d5241, 56);
      const file = write('Image-nobtf', b);
      return { file, error: new RegExp(`^${esc(file)}: arm64 Image holds no BTF \\(no 0xEB9F header with its sections inside the file\\): a kernel built without CONFIG_DEBUG_INFO_BTF\\?$`) };
    },
  },
  {
    name: 'an arm64 Image whose BTF is damaged after its header (a type past the type section)',
    setup: () => {
      const btf = Buffer.from(sampleBtf());
      const b = Buffer.alloc(8192 + btf.length);
      b.writeUInt32LE(0x644d5241, 56);
      btf.copy(b, 4096);
      // The first type's info word: a kind no BTF has.
      b.writeUInt32LE(0x1f000000, 4096 + 24 + 4);
      const file = write('Image-badbtf', b);
      return { file, error: new RegExp(`^${esc(file)} \\(BTF at offset 4096\\): `) };
    },
  },
];

describe('bad BTF input: exit 2, one line naming the file and where, nothing written', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const { file, error } = await c.setup();
      const out = path.join(tmp, `out-${++n}.json`);
      fs.writeFileSync(out, 'previous contents\n');
      const r = await run(['extract', file, '-o', out]);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]!.replace(/^tpdrift: /, '')).toMatch(error);
      expect(r.code).toBe(2);
      expect(fs.readFileSync(out, 'utf8')).toBe('previous contents\n');
    });
  }
});

describe('fuzzed BTF and ELF: read, or one InputError', () => {
  const outcome = async (bytes: Uint8Array): Promise<'read' | 'input-error'> => {
    const file = write(`fuzz-${++n}.bin`, bytes);
    try {
      await loadSource(file, { kind: 'btf' });
      return 'read';
    } catch (e) {
      if (e instanceof InputError) {
        expect(e.file.startsWith(file)).toBe(true);
        expect(e.message).not.toMatch(/\n/);
        return 'input-error';
      }
      throw e;
    } finally {
      fs.rmSync(file, { force: true });
    }
  };
  for (const [name, make] of [['raw BTF', sampleBtf], ['ELF vmlinux', sampleVmlinux]] as const) {
    it(`${name}: random byte edits and truncations`, async () => {
      const good = make();
      const seen = new Set<string>();
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
          fc.option(fc.nat(good.length), { nil: undefined }),
          async (edits, cut) => {
            const bytes = Uint8Array.from(good);
            for (const [at, v] of edits) bytes[at] = v;
            seen.add(await outcome(cut === undefined ? bytes : bytes.subarray(0, cut)));
          },
        ),
        { numRuns: 150, seed: 14 },
      );
      expect(seen).toEqual(new Set(['read', 'input-error']));
    });
  }
});
