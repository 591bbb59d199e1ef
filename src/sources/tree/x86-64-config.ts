/**
 * What a tree says about every x86_64 kernel (or one of another architecture, ./arch.ts) whatever its configuration, to choose between alternative
 * definitions (`#ifdef CONFIG_CLONE_BACKWARDS ... #else ...`): three-valued, `undefined` where it depends
 * on the configuration (most CONFIG_ options) or on something not read here.
 *
 * - `CONFIG_64BIT`, `CONFIG_X86_64`, `CONFIG_X86` are set and `CONFIG_X86_32` is not;
 * - a capability symbol that arch/Kconfig declares as a bare `bool` (no prompt: only an architecture's
 *   `select` sets it) is set when arch/x86/Kconfig selects it from `config X86` or `config X86_64` without
 *   an `if`, unset when no select of x86 names it (or only `config X86_32` does), else unknown;
 * - `__ARCH_WANT_*` is what arch/x86/include/asm/unistd.h defines outside `#ifdef CONFIG_X86_32`.
 */
import { conditionsByLine } from './syscall-defs.js';
import { type ArchRules, archRules } from './arch.js';

export type Truth = boolean | undefined;

export function x86_64Conditions(read: (rel: string) => string | undefined): (condition: string) => Truth {
  return archConditions(read, archRules('x86_64'));
}

/**
 * The same for another architecture (./arch.ts): its fixed symbols, the selects of arch/<dir>/Kconfig from its
 * own `config` blocks (ArchRules.kconfigBlocks), and the `__ARCH_WANT_*` of arch/<dir>/include/asm/unistd.h
 * and its uapi twin. `config` (a kernel .config, `--kconfig`) decides every CONFIG_ symbol it can: set
 * (`=y`, `=m`) or not; `undefined` leaves them to the rules above.
 */
export function archConditions(read: (rel: string) => string | undefined, arch: ArchRules, config?: KconfigTruth): (condition: string) => Truth {
  const fixed = arch.fixed;
  const { always, never } = arch.kconfigBlocks;
  const archKconfig = read('arch/Kconfig') ?? '';
  const capabilities = new Set<string>();
  for (const m of archKconfig.matchAll(/^config[ \t]+(\w+)[ \t]*\n[ \t]+bool[ \t]*\n/gm)) capabilities.add(m[1]!);
  const selected = new Map<string, boolean | undefined>();
  let block = '';
  for (const line of (read(`arch/${arch.dir}/Kconfig`) ?? '').split('\n')) {
    const c = /^(?:menu)?config[ \t]+(\w+)/.exec(line);
    if (c) block = c[1]!;
    const s = /^[ \t]+select[ \t]+(\w+)(.*)$/.exec(line);
    if (!s) continue;
    const unconditional = !/\bif\b/.test(s[2]!);
    const verdict = never.includes(block) ? false : always.includes(block) && unconditional ? true : undefined;
    // Selected for certain anywhere wins; an unknown select beats "only from X86_32".
    const prev = selected.has(s[1]!) ? selected.get(s[1]!) : false;
    selected.set(s[1]!, prev === true || verdict === true ? true : prev === undefined || verdict === undefined ? undefined : false);
  }
  const wants = new Map<string, Truth>();
  const unistds = [`arch/${arch.dir}/include/asm/unistd.h`, `arch/${arch.dir}/include/uapi/asm/unistd.h`].flatMap((f) => {
    const t = read(f);
    return t === undefined ? [] : [t];
  });
  const unistd = unistds.length ? unistds.join('\n') : undefined;
  const symbol = (name: string): Truth => {
    const f = fixed.get(name);
    if (f !== undefined) return f;
    if (config && name.startsWith('CONFIG_')) {
      const c = config(name);
      if (c !== undefined) return c;
    }
    // An include guard: not defined yet where its #ifndef is tested.
    if (/^_\w+_H$/.test(name)) return false;
    if (name.startsWith('__ARCH_WANT_')) return unistd === undefined ? undefined : (wants.get(name) ?? false);
    if (!name.startsWith('CONFIG_')) return undefined;
    const sym = name.slice('CONFIG_'.length);
    // A fixed symbol or a capability (a bare bool) is never a module.
    const base = /^(\w+)_MODULE$/.exec(sym)?.[1];
    if (base !== undefined && (fixed.has(`CONFIG_${base}`) || capabilities.has(base))) return false;
    if (!capabilities.has(sym)) return undefined;
    return selected.has(sym) ? selected.get(sym) : false;
  };
  const evaluate = (cond: string): Truth => evaluateCondition(cond, symbol);
  for (const text of unistds) {
    const conds = conditionsByLine(text);
    text.split('\n').forEach((line, i) => {
      const m = /^[ \t]*#[ \t]*define[ \t]+(__ARCH_WANT_\w+)/.exec(line);
      if (!m) return;
      const c = conds[i];
      const v = c === undefined ? true : evaluate(c);
      // Defined under one condition, then under another: set when either holds.
      const had = wants.has(m[1]!);
      const prev = wants.get(m[1]!);
      wants.set(m[1]!, !had ? v : prev === true || v === true ? true : prev === undefined || v === undefined ? undefined : false);
    });
  }
  return evaluate;
}

/**
 * `defined(X)`, `IS_ENABLED(X)`, `IS_BUILTIN(X)`, `IS_MODULE(X)`, `IS_REACHABLE(X)`, `X` (as `#if X`), `!`,
 * `&&`, `||` and parentheses, in three-valued logic; anything else is unknown. `symbol` answers for `CONFIG_X`
 * (built in) and `CONFIG_X_MODULE` (a module), as the preprocessor sees them.
 */
/** A kernel configuration's answer for one CONFIG_ symbol: set, unset, or (no configuration given) undefined. */
export type KconfigTruth = (name: string) => Truth;

export function evaluateCondition(cond: string, symbol: (name: string) => Truth): Truth {
  const tokens = cond.match(/defined\s*\(\s*\w+\s*\)|defined\s+\w+|IS_(?:ENABLED|BUILTIN|MODULE|REACHABLE)\s*\(\s*\w+\s*\)|\w+|&&|\|\||[()!]|\S/g) ?? [];
  let i = 0;
  const fail = Symbol('fail');
  type R = Truth | typeof fail;
  const primary = (): R => {
    const t = tokens[i++];
    if (t === undefined) return fail;
    if (t === '!') {
      const v = primary();
      return v === fail ? fail : v === undefined ? undefined : !v;
    }
    if (t === '(') {
      const v = or();
      if (tokens[i++] !== ')') return fail;
      return v;
    }
    const d = /^(?:defined|IS_BUILTIN)\s*\(?\s*(\w+)\s*\)?$/.exec(t);
    if (d) return symbol(d[1]!);
    // IS_ENABLED(X): X built in or a module (the preprocessor sees X, or X_MODULE); IS_REACHABLE(X) is that
    // from a module and IS_BUILTIN(X) from built-in code: undecided between the two unless X is off or built in.
    const m = /^(IS_ENABLED|IS_MODULE|IS_REACHABLE)\s*\(\s*(\w+)\s*\)$/.exec(t);
    if (m) {
      const builtin = symbol(m[2]!);
      const module = symbol(`${m[2]}_MODULE`);
      if (m[1] === 'IS_MODULE') return module;
      if (m[1] === 'IS_REACHABLE') return builtin === true ? true : builtin === false && module === false ? false : undefined;
      return builtin === true || module === true ? true : builtin === false && module === false ? false : undefined;
    }
    if (t === 'true' || t === '1') return true;
    if (t === '0') return false;
    if (/^\w+$/.test(t)) return symbol(t);
    return fail;
  };
  const and = (): R => {
    let v = primary();
    while (tokens[i] === '&&') {
      i++;
      const w = primary();
      if (v === fail || w === fail) return fail;
      v = v === false || w === false ? false : v === undefined || w === undefined ? undefined : true;
    }
    return v;
  };
  const or = (): R => {
    let v = and();
    while (tokens[i] === '||') {
      i++;
      const w = and();
      if (v === fail || w === fail) return fail;
      v = v === true || w === true ? true : v === undefined || w === undefined ? undefined : false;
    }
    return v;
  };
  const v = or();
  return v === fail || i !== tokens.length ? undefined : v;
}
