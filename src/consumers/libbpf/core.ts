/**
 * A CO-RE relocation resolved against the object's own BTF (libbpf's relo_core.c bpf_core_parse_spec): the
 * root type, and the member path its access string walks (`0:2:1` on trace_event_raw_sys_enter → `args[1]`).
 */
import type { Btf } from '../../btf/btf.js';
import { type CoreRelo, parseAccessString } from './btf-ext.js';

export interface CoreAccess {
  /** The root struct's name (`trace_event_raw_sched_switch`), modifiers and typedefs skipped. */
  root: string;
  /** The top-level (record) member: its name, C type, byte offset and size in the compiled layout. */
  member?: { name: string; type: string; offset: number; size: number };
  /** The whole path, `prev_comm`, `args[1]`, `x.y`. */
  path?: string;
  /** The byte offset and size of what the full path reaches, in the compiled layout. */
  offset?: number;
  size?: number;
}

export function resolveCoreAccess(btf: Btf, relo: CoreRelo): CoreAccess | string {
  const rootId = btf.resolve(relo.typeId);
  const root = btf.type(rootId);
  const spec = parseAccessString(btf.str(relo.accessStrOff));
  if (!spec) return `access string "${btf.str(relo.accessStrOff)}" does not parse`;
  // libbpf matches `struct x___flavor` against the kernel's `struct x`: the flavor suffix is the program's own.
  const rootName = root.name ? flavorless(root.name) : `(anonymous ${root.kind})`;
  if (root.kind !== 'struct' && root.kind !== 'union') return { root: rootName };
  const out: CoreAccess = { root: rootName };
  let typeId = rootId;
  let offset = (spec[0] ?? 0) * safeSize(btf, rootId);
  let path = '';
  for (let i = 1; i < spec.length; i++) {
    const idx = spec[i]!;
    const t = btf.type(btf.resolve(typeId));
    if (t.kind === 'struct' || t.kind === 'union') {
      const m = t.members[idx];
      if (!m) return `access string member ${idx} past the ${t.members.length} members of ${t.name || t.kind}`;
      offset += Math.floor(m.bitOffset / 8);
      typeId = m.type;
      // Anonymous struct/union members have no name of their own: the path goes through them.
      if (m.name) path += path === '' ? m.name : `.${m.name}`;
      if (i === 1 || (out.member === undefined && m.name)) {
        if (m.name) out.member = { name: m.name, type: safeCType(btf, m.type), offset, size: safeSize(btf, m.type) };
      }
    } else if (t.kind === 'array') {
      const elem = safeSize(btf, t.type);
      offset += idx * elem;
      typeId = t.type;
      path += `[${idx}]`;
    } else return `access string step ${idx} into a ${t.kind}`;
  }
  if (path) out.path = path;
  out.offset = offset;
  out.size = safeSize(btf, typeId);
  return out;
}

function safeSize(btf: Btf, id: number): number {
  try {
    return btf.sizeOf(id);
  } catch {
    return 0;
  }
}

function safeCType(btf: Btf, id: number): string {
  try {
    return btf.cType(id);
  } catch {
    return '?';
  }
}

/** `trace_event_raw_block_rq_complete___x` → `trace_event_raw_block_rq_complete` (libbpf's bpf_core_essential_name_len). */
export function flavorless(name: string): string {
  const i = name.indexOf('___');
  return i > 0 ? name.slice(0, i) : name;
}
