/**
 * Which class each tracepoint of a module belongs to, from the module's own relocations: every tracepoint has a
 * `struct bpf_raw_event_map { struct tracepoint *tp; void *bpf_func; ... }` in section `__bpf_raw_tp_map`, whose
 * `tp` points at `__tracepoint_<tp>` and `bpf_func` at `__bpf_trace_<class>`. In a relocatable `.ko` both are
 * relocations against named symbols (or against a section symbol plus an addend, resolved here to the function
 * defined there). BTF alone cannot tell classes with one prototype apart; this can. A vmlinux has no such
 * relocations (and Debian's image package no System.map), so it is read from BTF alone.
 */
import type { Btf } from '../../btf/btf.js';
import { type ElfFile, SHT_RELA } from '../../btf/elf.js';

const STT_FUNC = 2;
const STT_SECTION = 3;

export function moduleClassEvidence(elf: ElfFile, btf: Btf): Map<string, string> {
  const out = new Map<string, string>();
  const map = elf.section('__bpf_raw_tp_map');
  if (!map) return out;
  const rela = elf.sections.find((s) => s.type === SHT_RELA && s.info === map.index);
  const mapType = btf.byName('bpf_raw_event_map', 'struct')[0];
  if (!rela || !mapType) return out;
  const members = btf.members(mapType.id);
  const tpOff = members.find((m) => m.name === 'tp')?.byteOffset;
  const fnOff = members.find((m) => m.name === 'bpf_func')?.byteOffset;
  const size = btf.sizeOf(mapType.id);
  if (tpOff === undefined || fnOff === undefined || size === 0) return out;
  const syms = elf.symbols();
  const funcAt = new Map<string, string>();
  for (const s of syms) if (s.type === STT_FUNC && s.name) funcAt.set(`${s.shndx}:${s.value}`, s.name);
  const le = elf.endian === 'little';
  const dv = elf.view(rela);
  const entries = new Map<number, { tp?: string; fn?: string }>();
  for (let at = 0; at + 24 <= rela.size; at += 24) {
    const offset = Number(dv.getBigUint64(at, le));
    const info = dv.getBigUint64(at + 8, le);
    const addend = Number(dv.getBigInt64(at + 16, le));
    const sym = syms[Number(info >> 32n)];
    if (!sym) continue;
    const name = sym.type === STT_SECTION ? funcAt.get(`${sym.shndx}:${addend}`) : sym.name;
    if (!name) continue;
    const idx = Math.floor(offset / size);
    const e = entries.get(idx) ?? {};
    if (offset % size === tpOff) e.tp = name;
    else if (offset % size === fnOff) e.fn = name;
    entries.set(idx, e);
  }
  for (const e of entries.values()) {
    if (e.tp?.startsWith('__tracepoint_') && e.fn?.startsWith('__bpf_trace_')) out.set(e.tp.slice(13), e.fn.slice(12));
  }
  return out;
}
