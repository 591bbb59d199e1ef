/**
 * Format prediction for x86_64 (or the architecture of TypeEnv.arch, ./arch.ts): what the kernel prints in
 * `events/<sys>/<event>/format` for each field macro (type text, size, offset, signed), after the 8-byte
 * `struct trace_entry` header. Unknown stays
 * unknown: a type whose size cannot be resolved leaves size/signed undefined, and every later offset too.
 */
import type { DynamicKind, Field } from '../../model/snapshot.js';
import { normalizeType } from '../../model/canonical.js';
import { evaluateLength } from '../../util/cexpr.js';
import { configDecider, layoutAggregate } from './aggregate.js';
import { type ArchRules, archRules } from './arch.js';

export interface Scalar {
  size: number;
  align: number;
  signed: boolean;
}

/** What the whole-tree pass learned: typedefs and integer constants from the kernel's own headers. */
export interface Decl {
  value: string;
  file: string;
}

export interface TypeEnv {
  /** name → every right-hand side seen, with the header that declared it. */
  typedefs: Map<string, Decl[]>;
  /** name → every value expression seen (`#define X 16`, `X = 16,` in an enum). */
  constants: Map<string, Decl[]>;
  /** Built with -funsigned-char (6.2 and later). */
  unsignedChar: boolean;
  /** Object-like macros whose body is a type (`pgoff_t` → `unsigned long`), of the kernel's headers. */
  typeMacros?: Map<string, Decl[]>;
  /** `struct x` / `union x` → their definitions' text (keyword to the `;` after the closing brace). */
  aggregates?: Map<string, Decl[]>;
  /** The configuration `#if`s in aggregate bodies are decided by (x86_64 defconfig: see aggregate.ts). */
  config?: ReadonlySet<string>;
  /** The architecture predicted for (./arch.ts); x86_64 when absent. */
  arch?: ArchRules;
}

const BUILTIN: Record<string, [number, boolean]> = {
  char: [1, true],
  'signed char': [1, true],
  'unsigned char': [1, false],
  short: [2, true],
  'unsigned short': [2, false],
  int: [4, true],
  'unsigned int': [4, false],
  long: [8, true],
  'unsigned long': [8, false],
  'long long': [8, true],
  'unsigned long long': [8, false],
  _Bool: [1, false],
  bool: [1, false],
  __int128: [16, true],
  'unsigned __int128': [16, false],
};

export function cleanType(t: string): string {
  return normalizeType(
    t
      .replace(/\b__signed__\b/g, 'signed')
      .replace(/__attribute__\s*\(\(.*?\)\)/g, ' ')
      .replace(/\b__aligned\s*\([^)]*\)/g, ' ')
      .replace(/\b(__bitwise|__force|__user|__rcu|__iomem|__percpu|__packed)\b/g, ' '),
  );
}

/** The headers that define the kernel's basic types, in the order the compiler sees them on x86_64. */
export const CORE_TYPE_HEADERS = coreTypeHeaders(archRules());

/** The same for `arch`: its own posix_types header in x86_64's place. */
export function coreTypeHeaders(arch: ArchRules): readonly string[] {
  return [
    'include/uapi/asm-generic/int-ll64.h',
    'include/asm-generic/int-ll64.h',
    arch.posixTypes,
    'include/uapi/asm-generic/posix_types.h',
    'include/uapi/linux/types.h',
    'include/linux/types.h',
  ];
}

const coreHeadersOf = new Map<ArchRules, readonly string[]>();

/**
 * Picks the declaration that applies where `scope` (a directory) is compiled: the core type headers
 * first, then the scope's own headers, then the kernel's include/ and arch/x86/include/, then any other
 * header. Within a tier all candidates must agree (`agree` decides), else the name is unknown.
 */
export function pickDecl<T>(decls: Decl[] | undefined, scope: string, value: (d: Decl) => T | undefined, agree: (a: T, b: T) => boolean, arch?: ArchRules): T | undefined {
  if (!decls || decls.length === 0) return undefined;
  let core = CORE_TYPE_HEADERS;
  let archInclude = 'arch/x86/include/';
  if (arch) {
    core = coreHeadersOf.get(arch) ?? coreTypeHeaders(arch);
    coreHeadersOf.set(arch, core);
    archInclude = `arch/${arch.dir}/include/`;
  }
  for (const h of core) {
    // The last one in the file: the 32-bit alternatives come first (`#if __BITS_PER_LONG != 64 ... #else`).
    const d = decls.filter((x) => x.file === h).pop();
    if (d) return value(d);
  }
  const tiers: ((d: Decl) => boolean)[] = [
    (d) => scope !== '' && d.file.startsWith(scope + '/'),
    (d) => d.file.startsWith('include/') || d.file.startsWith(archInclude),
    () => true,
  ];
  for (const inTier of tiers) {
    const cands = decls.filter(inTier);
    if (cands.length === 0) continue;
    let out: T | undefined;
    for (const c of cands) {
      const v = value(c);
      if (v === undefined) return undefined;
      if (out !== undefined && !agree(out, v)) return undefined;
      out = v;
    }
    return out;
  }
  return undefined;
}

const MODE_SIZES: Record<string, number> = { byte: 1, __byte__: 1, QI: 1, HI: 2, SI: 4, DI: 8 };

/** An enum's size and signedness from its definition (`enum x { … } __mode(byte)`). */
export function enumScalar(definition: string): Scalar | undefined {
  const close = definition.lastIndexOf('}');
  const body = definition.slice(definition.indexOf('{') + 1, close < 0 ? undefined : close);
  const tail = close < 0 ? '' : definition.slice(close + 1);
  const head = definition.slice(0, definition.indexOf('{'));
  const attrs = head + tail;
  const signed = /=\s*-\s*\w/.test(body);
  const mode = /\b__mode\s*\(\s*(\w+)\s*\)|\bmode\s*\(\s*(\w+)\s*\)/.exec(attrs);
  if (mode) {
    const size = MODE_SIZES[(mode[1] ?? mode[2])!];
    return size === undefined ? undefined : { size, align: size, signed };
  }
  if (/\b(__packed|packed|__packed__)\b/.test(attrs)) return undefined;
  return { size: 4, align: 4, signed };
}

export class TypeResolver {
  private cache = new Map<string, Scalar | null>();
  private constCache = new Map<string, bigint | null>();
  /** `scope`: the directory of the header being read (its local typedefs and constants win). */
  constructor(
    readonly env: TypeEnv,
    readonly scope = '',
  ) {}

  scalar(type: string, depth = 0): Scalar | undefined {
    const t = cleanType(type).replace(/^(const |volatile )+/, '').replace(/ (const|volatile)$/, '');
    const hit = this.cache.get(t);
    if (hit !== undefined) return hit ?? undefined;
    if (depth > 16) return undefined;
    this.cache.set(t, null); // cycle guard
    const r = this.resolve(t, depth);
    this.cache.set(t, r ?? null);
    return r;
  }

  private resolve(t: string, depth: number): Scalar | undefined {
    const arch = this.env.arch;
    if (t.endsWith('*')) return arch ? { size: arch.word, align: arch.word, signed: false } : { size: 8, align: 8, signed: false };
    if (t === 'char') return { size: 1, align: 1, signed: !this.env.unsignedChar };
    const b = BUILTIN[t];
    if (b) {
      // long is the word; an 8-byte integer inside a struct is aligned as the ABI says (i386: 4).
      const size = arch && /\blong$/.test(t) && !/long long$/.test(t) ? arch.word : b[0];
      const align = size > 8 ? 16 : size === 8 && arch ? arch.align8 : size;
      return { size, align, signed: b[1] };
    }
    // An enum: unsigned int in GCC when no enumerator is negative, int when one is; `__mode(byte)` and friends
    // (afs, netfs) make it 1, 2 or 4 bytes; a packed one is as small as its values, which is not modelled (unknown).
    // Without its definition (or `enum` alone: a typedef'd anonymous one), the unsigned int.
    if (/^enum \w+$/.test(t)) {
      const defs = this.env.aggregates?.get(t);
      if (defs && defs.length > 0) return pickDecl(defs, this.scope, (d) => enumScalar(d.value), (a, b) => a.size === b.size && a.signed === b.signed, this.env.arch);
    }
    if (/^enum( \w+)?$/.test(t)) return { size: 4, align: 4, signed: false };
    if (/^(struct|union) \w+$/.test(t)) {
      const a = this.aggregate(t, depth);
      return a && { size: a.size, align: a.align, signed: false };
    }
    if (/^(struct|union) /.test(t)) return undefined;
    return pickDecl(
      this.env.typedefs.get(t) ?? this.env.typeMacros?.get(t),
      this.scope,
      (d) => this.scalar(d.value, depth + 1),
      (a, b) => a.size === b.size && a.signed === b.signed && a.align === b.align,
      this.env.arch,
    );
  }

  private aggregateCache = new Map<string, { size: number; align: number } | null>();

  /** A struct's or union's size and alignment from its definition in the tree's headers. */
  aggregate(t: string, depth = 0): { size: number; align: number } | undefined {
    const hit = this.aggregateCache.get(t);
    if (hit !== undefined) return hit ?? undefined;
    this.aggregateCache.set(t, null); // cycle guard
    const arch = this.env.arch;
    const decide = configDecider(this.env.config ?? new Set(), (n) => this.constant(n), arch);
    const types = {
      layoutOf: (ty: string) => this.scalar(ty, depth + 1),
      evaluate: (e: string) => this.evaluate(e),
      decide,
      ...(arch ? { pointer: { size: arch.word, align: arch.word } } : {}),
    };
    const r = pickDecl(
      this.env.aggregates?.get(t),
      this.scope,
      (d) => layoutAggregate(d.value, types),
      (a, b) => a.size === b.size && a.align === b.align,
      arch,
    );
    this.aggregateCache.set(t, r ?? null);
    return r;
  }

  /**
   * The type text stage 4 prints for a field macro that passes its type on to another macro (`__field` →
   * `__field_ext`): the argument is macro-expanded on the way, so `pgoff_t` (a `#define`) prints as
   * `unsigned long`. A macro that stringifies its own argument (`__array`, `__dynamic_array`) prints it as written.
   */
  expandedTypeText(type: string): string {
    const macros = this.env.typeMacros;
    if (!macros || macros.size === 0) return type;
    return type.replace(/\b[A-Za-z_]\w*\b/g, (w) => {
      // A name that is also a typedef is that typedef (a macro of the same name is some header's local shorthand).
      if (this.env.typedefs.has(w)) return w;
      const body = pickDecl(macros.get(w), this.scope, (d) => d.value, (a, b) => a === b, this.env.arch);
      return body ?? w;
    });
  }

  constant(name: string, depth = 0): bigint | undefined {
    const hit = this.constCache.get(name);
    if (hit !== undefined) return hit ?? undefined;
    if (depth > 16) return undefined;
    this.constCache.set(name, null);
    const n = pickDecl(this.env.constants.get(name), this.scope, (d) => this.evaluate(d.value, depth + 1), (a, b) => a === b, this.env.arch);
    const out = n === undefined ? undefined : BigInt(n);
    this.constCache.set(name, out ?? null);
    return out;
  }

  /** An array length such as `TASK_COMM_LEN`, `sizeof(u64) * 2`, `MAX + 1`. */
  evaluate(expr: string, depth = 0): number | undefined {
    const withSizes = expr.replace(/\bsizeof\s*\(([^()]+)\)/g, (m, ty: string) => {
      const s = this.scalar(ty);
      return s ? String(s.size) : m;
    });
    return evaluateLength(withSizes.replace(/\(\s*(unsigned |signed )?(int|long|u32|u64|size_t)\s*\)/g, ''), (n) => this.constant(n, depth));
  }
}

export interface FieldSpec {
  macro: string;
  args: string[];
  line: number;
}

export type Shape = {
  name: string;
  type: string;
  array?: number | string;
  dynamic?: DynamicKind;
  /** Element type for size/sign, when it differs from `type`. */
  elem: string;
  /** Fixed size (dynamic: 4). */
  fixedSize?: number;
  /** Forced signedness (e.g. cpumask, __field_struct). */
  signed?: boolean;
  /** Array length expression still to evaluate. */
  len?: string;
};

const DYN: Record<string, { loc: DynamicKind; type?: string; elemArg?: number; nameArg: number; noArray?: boolean }> = {
  __dynamic_array: { loc: 'data_loc', elemArg: 0, nameArg: 1 },
  __string: { loc: 'data_loc', type: 'char', nameArg: 0 },
  __string_len: { loc: 'data_loc', type: 'char', nameArg: 0 },
  __vstring: { loc: 'data_loc', type: 'char', nameArg: 0 },
  __bitmask: { loc: 'data_loc', type: 'unsigned long', nameArg: 0 },
  __cpumask: { loc: 'data_loc', type: 'cpumask_t', nameArg: 0, noArray: true },
  __sockaddr: { loc: 'data_loc', type: 'u8', nameArg: 0 },
  __rel_dynamic_array: { loc: 'rel_loc', elemArg: 0, nameArg: 1 },
  __rel_string: { loc: 'rel_loc', type: 'char', nameArg: 0 },
  __rel_string_len: { loc: 'rel_loc', type: 'char', nameArg: 0 },
  __rel_vstring: { loc: 'rel_loc', type: 'char', nameArg: 0 },
  __rel_bitmask: { loc: 'rel_loc', type: 'unsigned long', nameArg: 0 },
  __rel_cpumask: { loc: 'rel_loc', type: 'cpumask_t', nameArg: 0, noArray: true },
  __rel_sockaddr: { loc: 'rel_loc', type: 'u8', nameArg: 0 },
};

export const FIELD_MACROS = new Set([
  '__field', '__field_ext', '__field_struct', '__field_struct_ext', '__field_packed', '__array', '__array_ext',
  ...Object.keys(DYN),
]);

/** The shape of one field macro, as stage 4 (event_fields) prints it; an error message when unreadable. */
export function fieldShape(spec: FieldSpec): Shape | string {
  const a = spec.args;
  const need = (n: number): string | undefined => (a.length < n ? `${spec.macro} needs ${n} arguments, has ${a.length}` : undefined);
  switch (spec.macro) {
    case '__field':
    case '__field_ext':
    case '__field_packed':
      return need(2) ?? { name: a[1]!, type: a[0]!, elem: a[0]! };
    case '__field_struct':
    case '__field_struct_ext':
      return need(2) ?? { name: a[1]!, type: a[0]!, elem: a[0]!, signed: false };
    case '__array':
    case '__array_ext':
      return need(3) ?? { name: a[1]!, type: a[0]!, elem: a[0]!, len: a[2]! };
    default: {
      const d = DYN[spec.macro];
      if (!d) return `unknown field macro ${spec.macro}`;
      const n = need(d.nameArg + 1);
      if (n) return n;
      const type = d.type ?? a[d.elemArg ?? 0]!;
      const s: Shape = { name: a[d.nameArg]!, type, elem: type, dynamic: d.loc, fixedSize: 4 };
      if (!d.noArray) s.array = '[]';
      if (d.noArray) s.signed = false;
      return s;
    }
  }
}

/** Lays fields out after the common header; `start` is the header's size (8 on every kernel since 2.6.x). */
export function layoutFields(shapes: { shape: Shape; spec: FieldSpec }[], types: TypeResolver, start: number): Field[] {
  let offset: number | undefined = start;
  const out: Field[] = [];
  for (const { shape, spec } of shapes) {
    const passesTypeOn = spec.macro === '__field' || spec.macro === '__field_struct';
    const f: Field = { name: shape.name, type: cleanType(passesTypeOn ? types.expandedTypeText(shape.type) : shape.type), macro: spec.macro, line: spec.line };
    if (shape.array !== undefined) f.array = shape.array;
    if (shape.dynamic) f.dynamic = shape.dynamic;
    const sc = types.scalar(shape.elem);
    let size: number | undefined;
    let align: number | undefined;
    if (shape.fixedSize !== undefined) {
      size = shape.fixedSize;
      align = 4;
    } else if (sc) {
      size = sc.size;
      align = sc.align;
    }
    if (shape.len !== undefined) {
      const n = types.evaluate(shape.len);
      f.array = n ?? shape.len.replace(/\s+/g, ' ').trim();
      size = n !== undefined && size !== undefined ? size * n : undefined;
    }
    const signed = shape.signed ?? sc?.signed;
    if (signed !== undefined) f.signed = signed;
    if (size !== undefined && align !== undefined && offset !== undefined) {
      offset = Math.ceil(offset / align) * align;
      f.size = size;
      f.offset = offset;
      offset += size;
    } else {
      if (size !== undefined) f.size = size;
      offset = undefined;
    }
    out.push(f);
  }
  return out;
}
