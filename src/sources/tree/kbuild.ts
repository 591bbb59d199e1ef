/**
 * Whether a configuration builds a source file, from the tree's Kbuild files (`--kconfig`): `foo.c` is built
 * when its directory's Kbuild (or Makefile) lists `foo.o` in `obj-y`/`obj-m`/`obj-$(CONFIG_X)` with X set, or
 * in a composite object's list (`bar-y += foo.o`, `bar-$(CONFIG_X) += foo.o`, `bar-objs := foo.o`) that is
 * itself built, and every directory above it is (`obj-$(CONFIG_Y) += dir/`, up to the top-level Kbuild).
 * Objects listed with their subdirectory (`i915-y += display/intel_fb.o`) are found in the parent's file.
 * `ifdef CONFIG_X` / `ifeq ($(CONFIG_X),y)` blocks are decided; any other make construct is unknown, and
 * so is a file no Kbuild line names: three-valued, `undefined` where it cannot tell (never a guess).
 */
import path from 'node:path';
import type { Truth } from './x86-64-config.js';
import type { ArchRules } from './arch.js';

interface Entry {
  /** `obj`, `lib`, or a composite object's name (`i915` for `i915-y`). */
  target: string;
  /** Whether the selector (`y`, `m`, `objs`, `$(CONFIG_X)`) holds, and the enclosing ifdef/ifeq blocks do. */
  when: Truth;
  objects: string[];
}

const and = (a: Truth, b: Truth): Truth => (a === false || b === false ? false : a === undefined || b === undefined ? undefined : true);
const or = (a: Truth, b: Truth): Truth => (a === true || b === true ? true : a === undefined || b === undefined ? undefined : false);
const not = (a: Truth): Truth => (a === undefined ? undefined : !a);

/** Targets whose lists the top-level Makefile links into vmlinux (besides obj-). */
const LINKED = new Set(['obj', 'lib', 'core', 'libs', 'drivers']);

export function kbuildDecider(read: (rel: string) => string | undefined, arch: ArchRules, symbol: (name: string) => Truth): (file: string) => Truth {
  const enabled = (opt: string): Truth => or(symbol(opt), symbol(`${opt}_MODULE`));
  const entriesOf = new Map<string, Parsed | undefined>();
  const entries = (dir: string): Parsed | undefined => {
    if (entriesOf.has(dir)) return entriesOf.get(dir);
    const at = (f: string) => (dir === '' ? f : `${dir}/${f}`);
    // Kbuild reads `Kbuild` when there is one, else `Makefile`. The top level is the top Kbuild and Makefile,
    // and the architecture's Makefile, whose core-y/libs-y/drivers-y name directories from the top.
    const texts = dir === ''
      ? [read('Kbuild'), read('Makefile'), read(`arch/${arch.dir}/Makefile`)]
      : [read(at('Kbuild')) ?? read(at('Makefile'))];
    const found = texts.filter((t): t is string => t !== undefined);
    let out: Parsed | undefined;
    if (found.length) {
      const parsed = found.map((t) => parseKbuild(t, arch, enabled, symbol));
      out = { entries: parsed.flatMap((p) => p.entries), opaque: parsed.some((p) => p.opaque) };
    }
    entriesOf.set(dir, out);
    return out;
  };

  const memo = new Map<string, Truth>();
  /** Whether `obj` (`foo.o`, `sub/foo.o`, `dir/`) is built from `dir`. */
  const objectIn = (dir: string, obj: string, depth: number, opaque = false): Truth => {
    const key = `${dir}\0${obj}\0${opaque}`;
    if (memo.has(key)) return memo.get(key);
    // A cycle (a list named like the object it holds: `fsl-edma-trace-$(CONFIG_TRACING) := fsl-edma-trace.o`,
    // expanded elsewhere as a variable) leads to no build of its own; the other lines naming the object decide.
    memo.set(key, false);
    let out: Truth;
    if (depth > 24) out = undefined;
    else {
      const list = entries(dir);
      const hits = (list?.entries ?? []).filter((e) => e.objects.includes(obj));
      if (hits.length > 0) {
        out = false;
        for (const h of hits) {
          const parent = LINKED.has(h.target) ? dirBuilt(dir, depth + 1) : objectIn(dir, `${h.target}.o`, depth + 1);
          out = or(out, and(h.when, parent));
        }
      } else if (dir !== '') {
        // Not named here: the parent's file may list it with this directory in front.
        out = objectIn(parentOf(dir), `${path.posix.basename(dir)}/${obj}`, depth + 1, opaque || list === undefined || list.opaque);
      } else {
        // Named by no Kbuild file from its directory up to the top: not built, unless one of those files has
        // lists this reader could not read (a `$(var)` object), or none was there.
        out = opaque || list === undefined || list.opaque ? undefined : false;
      }
    }
    memo.set(key, out);
    return out;
  };
  const dirBuilt = (dir: string, depth: number): Truth => (dir === '' ? true : objectIn(parentOf(dir), `${path.posix.basename(dir)}/`, depth));

  return (file) => {
    if (!file.endsWith('.c')) return undefined;
    // Another architecture's code is never built.
    if (file.startsWith('arch/') && !file.startsWith(`arch/${arch.dir}/`)) return false;
    const dir = path.posix.dirname(file);
    return objectIn(dir === '.' ? '' : dir, `${path.posix.basename(file, '.c')}.o`, 0);
  };
}

const parentOf = (dir: string): string => {
  const p = path.posix.dirname(dir);
  return p === '.' ? '' : p;
};

const ASSIGN = /^([A-Za-z0-9_./-]+?)-(y|m|objs|\$\(CONFIG_(\w+)\)|\$\(subst m,y,\$\(CONFIG_(\w+)\)\))\s*(?:\+=|:=|\?=|=)\s*(.*)$/;
/** Flags, not objects (`ccflags-y`, `CFLAGS_x.o`, `KBUILD_CFLAGS-$(call …)`, `stackp-flags-y`). */
const FLAGS = /^(?:[\w.-]*flags|[A-Z][A-Z_]*FLAGS\w*)\b|^[\w.-]*flags-/i;
/** A list assignment this reader does not decide (`obj-$(foo) += …`). */
const OTHER_ASSIGN = /^(?:obj|lib|[A-Za-z0-9_./-]+)-\$\(/;

interface Parsed {
  entries: Entry[];
  /** Some list named objects through a variable this reader does not expand (`obj-y += $(foo)/`). */
  opaque: boolean;
}

/** Variables of the top-level Kbuild whose contents the top Makefile and the architecture's give (core-y, libs-y, drivers-y). */
const KNOWN_VARIABLES = /^\$\((ARCH_CORE|ARCH_LIB|ARCH_DRIVERS|SRCARCH)\)/;

/** The `<target>-<selector> += objects` lines of one Kbuild file, each with when it holds. */
export function parseKbuild(text: string, arch: ArchRules, enabled: (opt: string) => Truth, symbol: (name: string) => Truth): Parsed {
  let opaque = false;
  // `foo-y` lists as written so far, for `$(foo-y)` in a later list (drivers/net/phy: libphy-y += $(mdio-bus-y)).
  const lists = new Map<string, string[]>();
  // `${CONFIG_X}` is make's other spelling of `$(CONFIG_X)`.
  const lines = text.replace(/\\\r?\n/g, ' ').replace(/\$\{([\w.-]+)\}/g, '$($1)').split('\n');
  const stack: { cond: Truth; inElse: boolean }[] = [];
  const guard = (): Truth => stack.reduce<Truth>((acc, s) => and(acc, s.inElse ? not(s.cond) : s.cond), true);
  const out: Entry[] = [];
  for (const raw of lines) {
    const line = raw.replace(/(^|[^\\])#.*$/, '$1').trim();
    if (line === '') continue;
    const cond = /^(ifdef|ifndef|ifeq|ifneq)\b\s*(.*)$/.exec(line);
    if (cond) {
      stack.push({ cond: makeCondition(cond[1]!, cond[2]!, enabled, symbol), inElse: false });
      continue;
    }
    if (/^else\b/.test(line)) {
      const top = stack[stack.length - 1];
      if (top) {
        // `else ifeq …` chains are not decided.
        if (/^else\s+\S/.test(line)) top.cond = undefined;
        top.inElse = true;
      }
      continue;
    }
    if (/^endif\b/.test(line)) {
      stack.pop();
      continue;
    }
    const m = ASSIGN.exec(line);
    if (!m) {
      // A list of objects under a selector this reader cannot decide; compiler flags do not matter.
      if (OTHER_ASSIGN.test(line) && !FLAGS.test(line) && /\.o\b|\/(\s|$)/.test(line)) opaque = true;
      continue;
    }
    const sel = m[2]!;
    const when = sel === 'y' || sel === 'm' || sel === 'objs' ? true : enabled(`CONFIG_${m[3] ?? m[4]}`);
    if (FLAGS.test(m[1]!)) continue;
    const words = m[5]!
      .replace(/\$\(SRCARCH\)/g, arch.dir)
      .replace(/\$\(addprefix\s+([^,\s]+)\s*,([^()]*)\)/g, (_x, pre: string, list: string) => list.trim().split(/\s+/).map((w) => `${pre}${w}`).join(' '))
      .split(/\s+/)
      .filter((o) => o !== '')
      .flatMap((o) => lists.get(/^\$\(([\w.-]+-(?:y|objs))\)$/.exec(o)?.[1] ?? '') ?? [o]);
    const objects = words.filter((o) => !o.includes('$('));
    if (words.some((o) => o.includes("$(") && !KNOWN_VARIABLES.test(o))) opaque = true;
    // `foo-$(CONFIG_X) := …` with X set adds to `$(foo-y)` as make expands it.
    const listSel = sel === 'objs' ? 'objs' : sel === 'y' || (sel !== 'm' && when === true) ? 'y' : undefined;
    if (listSel !== undefined) {
      const key = `${m[1]}-${listSel}`;
      lists.set(key, [...(lists.get(key) ?? []), ...objects]);
    }
    if (objects.length) out.push({ target: m[1]!, when: and(when, guard()), objects });
  }
  return { entries: out, opaque };
}

/** `ifdef CONFIG_X`, `ifeq ($(CONFIG_X),y)`, `ifneq ($(CONFIG_X),)` …; anything else undecided. */
function makeCondition(kind: string, rest: string, enabled: (opt: string) => Truth, symbol: (name: string) => Truth): Truth {
  if (kind === 'ifdef' || kind === 'ifndef') {
    const v = /^(CONFIG_\w+)$/.exec(rest.trim());
    if (!v) return undefined;
    return kind === 'ifdef' ? enabled(v[1]!) : not(enabled(v[1]!));
  }
  const t = rest.trim();
  const first = /^\(\s*\$\((CONFIG_\w+)\)\s*,\s*([ymn]?)\s*\)$/.exec(t);
  const second = /^\(\s*([ymn]?)\s*,\s*\$\((CONFIG_\w+)\)\s*\)$/.exec(t);
  const opt = first?.[1] ?? second?.[2];
  const val = first?.[2] ?? second?.[1];
  if (opt === undefined || val === undefined) return undefined;
  const v = val === 'y' ? symbol(opt) : val === 'm' ? symbol(`${opt}_MODULE`) : not(enabled(opt));
  return kind === 'ifeq' ? v : not(v);
}
