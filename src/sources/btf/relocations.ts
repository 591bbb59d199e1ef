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

/**
 * Groups of a vmlinux's tracepoints that share a class, from its `__bpf_raw_tp_map` entries (in `.data`,
 * between symbols a distribution's stripped vmlinux no longer has): each entry's `tp` points at a `struct tracepoint`
 * whose `name` points at the tracepoint's name, and entries of one class have the same `bpf_func`. The entries are
 * found by their shape: 32-byte aligned, `tp` inside a section, its name a tracepoint BTF knows. Linked addresses
 * are read from the file as they are (KASLR relocates at boot, not in the file).
 */
export function vmlinuxSameClass(elf: ElfFile, btf: Btf, names: ReadonlySet<string>): string[][] {
  const mapType = btf.byName('bpf_raw_event_map', 'struct')[0];
  const tpType = btf.byName('tracepoint', 'struct')[0];
  // DATA_DATA holds BPF_RAW_TP() (include/asm-generic/vmlinux.lds.h); .rodata too, to be safe.
  const scanned = ['.data', '.rodata'].map((n) => elf.section(n)).filter((x) => x !== undefined);
  if (!mapType || !tpType || scanned.length === 0 || elf.endian !== 'little') return [];
  const m = btf.members(mapType.id);
  const tpOff = m.find((x) => x.name === 'tp')?.byteOffset;
  const fnOff = m.find((x) => x.name === 'bpf_func')?.byteOffset;
  const nameOff = btf.members(tpType.id).find((x) => x.name === 'name')?.byteOffset;
  const size = btf.sizeOf(mapType.id);
  if (tpOff === undefined || fnOff === undefined || nameOff === undefined || size < 16) return [];
  const data = elf.sections.filter((s) => s.type !== 8 && s.addrBig !== 0n && s.size > 0);
  const bytes = (addr: bigint, len: number): DataView | undefined => {
    const s = data.find((x) => addr >= x.addrBig && addr + BigInt(len) <= x.addrBig + BigInt(x.size));
    return s ? new DataView(elf.view(s).buffer, elf.view(s).byteOffset + Number(addr - s.addrBig), len) : undefined;
  };
  const cstr = (addr: bigint): string | undefined => {
    const s = data.find((x) => addr >= x.addrBig && addr < x.addrBig + BigInt(x.size));
    if (!s) return undefined;
    const v = elf.view(s);
    let i = Number(addr - s.addrBig);
    let out = '';
    while (i < v.byteLength && v.getUint8(i) !== 0 && out.length < 256) out += String.fromCharCode(v.getUint8(i++));
    return out;
  };
  const byFn = new Map<bigint, string[]>();
  const seen = new Set<string>();
  for (const sec of scanned) {
  const view = elf.view(sec);
  const start = Number((32n - (sec.addrBig % 32n)) % 32n);
  for (let at = start; at + size <= view.byteLength; at += 32) {
    const tp = view.getBigUint64(at + tpOff, true);
    const fn = view.getBigUint64(at + fnOff, true);
    if (tp === 0n || fn === 0n) continue;
    const t = bytes(tp + BigInt(nameOff), 8);
    if (!t) continue;
    const name = cstr(t.getBigUint64(0, true));
    if (!name || !names.has(name) || seen.has(name)) continue;
    seen.add(name);
    const l = byFn.get(fn);
    if (l) l.push(name);
    else byFn.set(fn, [name]);
  }
  }
  return [...byFn.values()].map((g) => g.sort()).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}
