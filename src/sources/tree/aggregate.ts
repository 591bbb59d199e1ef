/**
 * Sizes and alignments of the structs and unions trace headers take `sizeof` of (`__u8 saddr[sizeof(struct
 * sockaddr_in6)]`) or store whole (`__field_struct(struct afs_fid, fid)`), read from their definitions in the
 * tree's headers: no compiler, nothing executed. x86_64 rules: members in order at their natural alignment, the
 * whole rounded up to its largest member's; `__packed` drops alignment, `__aligned(n)` raises it. Conditionals
 * in a body are decided by the configuration (configFor); anything not understood (a bit-field, an unknown
 * member type, an undecidable `#if`) makes the whole layout unknown, never a guess.
 */
import { evaluateConstant } from '../../util/cexpr.js';
import { CTextError, matchingBracket, splitTopLevel, stripComments } from '../../util/ctext.js';
import { splitDeclarator } from './bodies.js';
import { type ArchRules, archRules } from './arch.js';

export interface Layout {
  size: number;
  align: number;
}

export interface AggregateTypes {
  /** Size and alignment of a member's type (a typedef, a basic type, another aggregate). */
  layoutOf(type: string): Layout | undefined;
  /** An array length. */
  evaluate(expr: string): number | undefined;
  /** An `#if` condition: true, false, or undefined when it cannot be decided. */
  decide(cond: string): boolean | undefined;
  /** Size and alignment of a pointer (the architecture's word; 8 when absent). */
  pointer?: Layout;
}

const roundUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/** The alignment an attribute text asks for (`__aligned(8)`, `__attribute__((aligned(16)))`), if any. */
function alignedBy(attrs: string, types: AggregateTypes): number | undefined | null {
  const m = /\b(?:__aligned|aligned|__aligned__)\s*\(\s*([^()]*(?:\([^()]*\)[^()]*)*)\)/.exec(attrs);
  if (!m) return null;
  const n = types.evaluate(m[1]!);
  return n !== undefined && n > 0 ? n : undefined;
}

/**
 * Keeps the lines of the branches `decide` takes; undefined when a condition cannot be decided, or, with
 * `keepUndecided`, every branch of an undecided conditional kept (as if its directives were not there).
 */
export function selectBranches(text: string, decide: (cond: string) => boolean | undefined, keepUndecided = false): string | undefined {
  const lines = text.replace(/\\\r?\n/g, ' ').split('\n');
  // Each open conditional: whether its current branch is taken, and whether one of its branches was.
  const stack: { taking: boolean; taken: boolean; outer: boolean; undecided?: boolean }[] = [];
  const active = (): boolean => stack.every((s) => s.taking);
  const out: string[] = [];
  for (const line of lines) {
    const d = /^\s*#\s*(\w+)\s*(.*)$/.exec(line);
    if (!d) {
      if (active()) out.push(line);
      continue;
    }
    const [, dir, rest] = d as unknown as [string, string, string];
    if (dir === 'if' || dir === 'ifdef' || dir === 'ifndef' || dir === 'elif') {
      const cond = dir === 'ifdef' ? `defined(${rest.trim()})` : dir === 'ifndef' ? `!defined(${rest.trim()})` : rest;
      if (dir === 'elif') {
        const top = stack[stack.length - 1];
        if (!top) return undefined;
        if (top.undecided) continue;
        if (top.taken || !top.outer) {
          top.taking = false;
          continue;
        }
        const v = decide(cond);
        if (v === undefined) {
          if (!keepUndecided) return undefined;
          top.taking = true;
          top.undecided = true;
          continue;
        }
        top.taking = v;
        top.taken = v;
        continue;
      }
      const outer = active();
      const v = outer ? decide(cond) : false;
      if (v === undefined) {
        if (!keepUndecided) return undefined;
        stack.push({ taking: true, taken: false, outer, undecided: true });
        continue;
      }
      stack.push({ taking: v, taken: v, outer });
    } else if (dir === 'else') {
      const top = stack[stack.length - 1];
      if (!top) return undefined;
      if (top.undecided) continue;
      top.taking = top.outer && !top.taken;
      top.taken = true;
    } else if (dir === 'endif') {
      if (!stack.pop()) return undefined;
    }
    // #define, #undef, #pragma, #error inside a body change no member.
  }
  return stack.length === 0 || keepUndecided ? out.join('\n') : undefined;
}

/** One member declaration's layout (several declarators share its base type); undefined when not understood. */
function memberLayouts(decl: string, types: AggregateTypes, packed: boolean): Layout[] | undefined {
  const nested = /^(struct|union)\b\s*\w*\s*((?:__\w+(?:\s*\([^()]*\))?\s*)*)\{/.exec(decl);
  let base: Layout | undefined;
  let declarators: string[];
  if (nested) {
    const open = nested[0].length - 1;
    let close: number;
    try {
      close = matchingBracket(decl, open);
    } catch (e) {
      if (e instanceof CTextError) return undefined;
      throw e;
    }
    base = layoutAggregate(`${decl.slice(0, close + 1)} ${decl.slice(close + 1)}`, types);
    if (!base) return undefined;
    const names = decl.slice(close + 1).replace(/__attribute__\s*\(\([^;]*?\)\)|__packed\b|__aligned\s*\([^)]*\)/g, ' ').trim();
    if (names === '') return [packed ? { size: base.size, align: 1 } : base];
    declarators = splitTopLevel(names).map((d) => `x ${d}`);
  } else {
    if (/:/.test(decl.replace(/::/g, ''))) return undefined; // a bit-field
    declarators = splitTopLevel(decl);
  }
  const out: Layout[] = [];
  let prefix: string | undefined;
  for (const [i, raw] of declarators.entries()) {
    let attrsAlign: number | undefined | null = alignedBy(raw, types);
    if (attrsAlign === undefined) return undefined;
    const text = raw.replace(/__attribute__\s*\(\((?:[^()]|\([^()]*\))*\)\)|__aligned\s*\([^)]*\)|__packed\b/g, ' ').trim();
    let layout: Layout | undefined;
    if (/\(\s*\*/.test(text)) {
      layout = types.pointer ?? { size: 8, align: 8 }; // a function pointer (or a pointer to an array)
    } else {
      const full = i === 0 || !prefix ? text : `${prefix.replace(/[\s*]+$/, '')} ${text}`;
      const d = splitDeclarator(full);
      if (!d || d.prefix.trim() === '') return undefined;
      if (i === 0) prefix = d.prefix;
      const type = nested ? undefined : d.prefix.trim();
      const one = nested ? base : type!.endsWith('*') ? (types.pointer ?? { size: 8, align: 8 }) : types.layoutOf(type!);
      if (!one) return undefined;
      let count = 1;
      for (const dim of d.arrays.matchAll(/\[([^\]]*)\]/g)) {
        if (dim[1]!.trim() === '') {
          count = 0; // a flexible array member
          continue;
        }
        const n = types.evaluate(dim[1]!);
        if (n === undefined) return undefined;
        count *= n;
      }
      layout = { size: one.size * count, align: one.align };
    }
    if (packed) layout = { size: layout.size, align: 1 };
    if (attrsAlign !== null) layout = { size: layout.size, align: Math.max(layout.align, attrsAlign) };
    out.push(layout);
    attrsAlign = null;
  }
  return out;
}

/**
 * The layout of `struct x { … } attrs` / `union x { … } attrs` (the definition's text from the keyword to the
 * end of what follows the closing brace).
 */
export function layoutAggregate(definition: string, types: AggregateTypes, depth = 0): Layout | undefined {
  if (depth > 32) return undefined;
  const open = definition.indexOf('{');
  if (open < 0) return undefined;
  let close: number;
  try {
    close = matchingBracket(definition, open);
  } catch (e) {
    if (e instanceof CTextError) return undefined;
    throw e;
  }
  const head = definition.slice(0, open);
  const tail = definition.slice(close + 1);
  const isUnion = /^\s*union\b/.test(head);
  const packed = /\b(__packed|packed|__packed__)\b/.test(head + tail);
  const aligned = alignedBy(head + tail, types);
  if (aligned === undefined) return undefined;
  const body = selectBranches(stripComments(definition.slice(open + 1, close)), types.decide);
  if (body === undefined) return undefined;
  let offset = 0;
  let size = 0;
  let align = 1;
  for (const decl of splitTopLevel(body, ';')) {
    if (decl === '') continue;
    const members = memberLayouts(decl, types, packed);
    if (!members) return undefined;
    for (const m of members) {
      align = Math.max(align, m.align);
      if (isUnion) size = Math.max(size, m.size);
      else {
        offset = roundUp(offset, m.align) + m.size;
        size = offset;
      }
    }
  }
  if (aligned !== null) align = Math.max(align, aligned);
  return { size: roundUp(size, align), align };
}

/**
 * Decides `#if` conditions the way a build of `arch` with `config` set sees them (an x86_64 defconfig build
 * unless told otherwise): `CONFIG_X` set when `config` holds it, unset otherwise; the build's own macros
 * (ArchRules.buildDefines); uapi's `__UAPI_DEF_*` switches 1 (the kernel is not built against a libc); any
 * other name is looked up as a constant, and unknown makes the condition undecided.
 */
export function configDecider(config: ReadonlySet<string>, constant: (name: string) => bigint | undefined, arch: ArchRules = archRules()): (cond: string) => boolean | undefined {
  const defines = arch.buildDefines;
  const isDefined = (name: string): boolean | undefined => {
    if (name.startsWith('CONFIG_')) return config.has(name);
    if (name in defines || name.startsWith('__UAPI_DEF_')) return true;
    if (arch.undefinedMacros.includes(name)) return false;
    return constant(name) !== undefined ? true : undefined;
  };
  return (cond) => {
    let unknown = false;
    const text = cond
      .replace(/\bdefined\s*\(\s*(\w+)\s*\)|\bdefined\s+(\w+)/g, (_m, a?: string, b?: string) => {
        const v = isDefined((a ?? b)!);
        if (v === undefined) unknown = true;
        return v ? '1' : '0';
      })
      .replace(/\bIS_ENABLED\s*\(\s*(\w+)\s*\)/g, (_m, n: string) => (config.has(n) || config.has(`${n}_MODULE`) ? '1' : '0'));
    if (unknown) return undefined;
    const v = evaluateConstant(text, (name) => {
      if (name.startsWith('CONFIG_')) return config.has(name) ? 1n : 0n;
      if (name in defines) return defines[name];
      if (name.startsWith('__UAPI_DEF_')) return 1n;
      return constant(name);
    });
    return v === undefined ? undefined : v !== 0n;
  };
}

/**
 * The options a defconfig build has set: `CONFIG_X=y` lines of the architecture's defconfig
 * (arch/x86/configs/x86_64_defconfig for x86_64; `=m` as `CONFIG_X_MODULE`), plus the ones the architecture
 * selects unconditionally (ArchRules.selected), which a defconfig never lists.
 */
export function readDefconfig(text: string | undefined, arch: ArchRules = archRules()): Set<string> {
  const out = new Set<string>(arch.selected);
  for (const m of (text ?? '').matchAll(/^(CONFIG_\w+)=(\S+)/gm)) {
    if (m[2] === 'y' || /^["\d-]/.test(m[2]!)) out.add(m[1]!);
    else if (m[2] === 'm') out.add(`${m[1]}_MODULE`);
  }
  return out;
}
