import { describe, expect, it } from 'vitest';
import { isElf, parseElf, SHT_PROGBITS, SHT_STRTAB } from '../../src/btf/elf.js';
import { parseBtf } from '../../src/btf/btf.js';
import { InputError } from '../../src/errors.js';
import { BtfBuilder, buildElf } from './builder.js';

function btfBlob(endian: 'little' | 'big' = 'little') {
  const b = new BtfBuilder();
  b.struct('trace_entry', 8, [{ name: 'type', type: b.int('unsigned short', 2), bitOffset: 0 }]);
  return b.build(endian);
}

describe('parseElf', () => {
  it('finds .BTF and .BTF.ext and gives their bytes, in both byte orders', () => {
    for (const endian of ['little', 'big'] as const) {
      const btf = btfBlob(endian);
      const ext = Uint8Array.from([1, 2, 3, 4, 5]);
      const bytes = buildElf([{ name: '.text', data: Uint8Array.from([0xc3]) }, { name: '.BTF', data: btf }, { name: '.BTF.ext', data: ext }], endian, 247);
      expect(isElf(bytes)).toBe(true);
      const elf = parseElf(bytes, 'prog.bpf.o');
      expect(elf.endian).toBe(endian);
      expect(elf.machine).toBe(247);
      expect(elf.type).toBe(1);
      expect(elf.sections.map((s) => s.name)).toEqual(['', '.text', '.BTF', '.BTF.ext', '.shstrtab']);
      expect(elf.section('.BTF')).toMatchObject({ index: 2, type: SHT_PROGBITS, size: btf.length });
      expect(elf.section('.shstrtab')?.type).toBe(SHT_STRTAB);
      expect(Array.from(elf.sectionData('.BTF.ext')!)).toEqual([1, 2, 3, 4, 5]);
      expect(elf.sectionData('.nope')).toBeUndefined();
      const parsed = parseBtf(elf.sectionData('.BTF')!, { file: 'prog.bpf.o' });
      expect(parsed.endian).toBe(endian);
      expect(parsed.byName('trace_entry', 'struct')).toHaveLength(1);
      expect(elf.view(elf.section('.BTF.ext')!).getUint8(4)).toBe(5);
      expect(elf.symbols()).toEqual([]);
    }
  });

  const fails = (bytes: Uint8Array, re: RegExp) => {
    let err: unknown;
    try {
      parseElf(bytes, 'bad.ko');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).describe()).toMatch(/^bad\.ko: /);
    expect((err as InputError).message).toMatch(re);
  };

  it('rejects what is not a readable ELF64, naming the offset', () => {
    const good = buildElf([{ name: '.BTF', data: btfBlob() }]);
    fails(Uint8Array.from([1, 2, 3, 4]), /not an ELF file/);
    fails(good.subarray(0, 40), /truncated ELF header/);
    const elf32 = good.slice();
    elf32[4] = 1;
    fails(elf32, /ELF class 1 at offset 4/);
    const badData = good.slice();
    badData[5] = 7;
    fails(badData, /data encoding 7 at offset 5/);
    fails(good.subarray(0, good.length - 10), /section header table .* past the end of the file/);
    // A section whose bytes run past the end of the file.
    const view = new DataView(good.buffer.slice(0));
    const shoff = Number(view.getBigUint64(40, true));
    view.setBigUint64(shoff + 64 + 32, 1n << 40n, true);
    fails(new Uint8Array(view.buffer), /section 1 .* past the end of the file/);
  });
});
