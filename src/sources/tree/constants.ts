/**
 * The integer constants a tree's field layouts need (array lengths such as TASK_COMM_LEN, and the constants
 * their values name), collected by name from the kernel's own headers and those beside the trace headers.
 */
import path from 'node:path';
import type { RawEvent } from './definitions.js';
import type { ClassBody } from './bodies.js';
import { type FileScan, definedNamesMayHold, extractDecls, isTypeHeader, nameHashes } from './scan.js';
import type { Decl, TypeEnv } from './layout.js';
import { CTextError, matchingBracket, stripComments } from '../../util/ctext.js';

export interface ConstantsInput {
  /** The file pass's scans, sorted by file. */
  scans: readonly FileScan[];
  /** Every file a unit read: the directories beside them are searched too. */
  visited: ReadonlySet<string>;
  raw: readonly RawEvent[];
  classes: readonly ClassBody[];
  /** A file's text (from the scan or the tree). */
  textOf: (rel: string) => string | undefined;
}

/** Adds to `env.constants` every declaration of the constants the bodies' field arguments name, transitively. */
export function collectConstants(env: TypeEnv, { scans, visited, raw, classes: allClasses, textOf }: ConstantsInput): void {
  // The predicted architecture's own headers (arch/x86/include/ for x86_64, as isTypeHeader says).
  const archInclude = env.arch && env.arch.dir !== 'x86' ? `arch/${env.arch.dir}/include/` : undefined;
  const isKernelHeader = (f: string): boolean => isTypeHeader(f) || (archInclude !== undefined && f.endsWith('.h') && f.startsWith(archInclude));
  // Typedefs and constants of the headers beside the trace headers (xfs_ino_t, driver-local lengths).
  // (Typedefs of every header are already known; constants are read here for the trace headers' directories.)
  const localDirs = [...new Set([...visited].map((f) => path.posix.dirname(f)).filter((d) => !d.startsWith('include/')))].sort();
  const localDirSet = new Set(localDirs);
  const isLocal = (f: string): boolean => {
    for (let d = path.posix.dirname(f); d !== '.' && d !== '/' && d !== ''; d = path.posix.dirname(d)) if (localDirSet.has(d)) return true;
    return false;
  };
  // Constants of the kernel's own headers (include/, arch/x86/include/) come first in each name's list, then
  // those of the headers beside the trace headers, each in file order.
  const constantFiles = [
    ...scans.filter((s) => s.definedNames && isKernelHeader(s.file)),
    ...scans.filter((s) => s.definedNames && !isKernelHeader(s.file) && isLocal(s.file)),
  ];
  // Constants are only ever looked up by name, from a field's array length and then from the values of the
  // constants it names: only those names are kept. Keeping every one cost most of a whole-tree run
  // (drivers/gpu/drm alone declares over a million register constants: 19 s and 1.3 GB on 6.12; include/
  // another 256,000, 70 MB of the peak). A name's declarations are collected in one pass over the
  // headers, in the order above, so that each list is exactly what collecting everything would give; a
  // pass can name new constants (a value that names another), and the next pass collects those.
  const wanted = new Set<string>();
  const lengthBodies = new Set<ClassBody>(allClasses);
  for (const r of raw) {
    if (r.body) lengthBodies.add(r.body);
    for (const b of r.unit.values()) lengthBodies.add(b);
  }
  const queue: string[] = [];
  const want = (text: string): void => {
    for (const m of text.matchAll(/[A-Za-z_]\w*/g)) {
      if (wanted.has(m[0])) continue;
      wanted.add(m[0]);
      queue.push(m[0]);
    }
  };
  for (const b of lengthBodies) for (const f of b.fields) for (const a of f.args) want(a);
  collectAggregates(scans, lengthBodies, env, textOf, want);
  const collected = new Set<string>();
  const collectWanted = (): void => {
    for (;;) {
      const toCollect = new Set<string>();
      while (queue.length > 0) {
        const name = queue.pop()!;
        for (const d of env.constants.get(name) ?? []) want(d.value);
        if (!collected.has(name)) toCollect.add(name);
      }
      if (toCollect.size === 0) break;
      for (const name of toCollect) collected.add(name);
      // The scan kept each header's defined names as hashes: only the headers that may declare one are read
      // again (a few dozen, instead of 536 MB of drivers/gpu/drm register headers on 6.12).
      const hashes = nameHashes(toCollect);
      for (const scan of constantFiles) {
        if (!definedNamesMayHold(scan, hashes)) continue;
        const file = scan.file;
        const text = textOf(file);
        if (text === undefined || !definesAny(text, toCollect)) continue;
        for (const [k, v] of extractDecls(text).constants ?? []) {
          if (!toCollect.has(k)) continue;
          addTo(env.constants, k, { value: v, file });
          want(v);
        }
      }
    }
  };
  collectWanted();
  // A length named by a header that neither include/ nor the trace header's neighbours hold (ext4's trace header
  // is in include/trace/events, EXT4_FC_REASON_MAX in fs/ext4/fast_commit.h): any other header that declares it
  // is read too, then its own names, as the last tier of the lookup (pickDecl: all candidates must agree).
  const lengthNames = new Set<string>();
  for (const b of lengthBodies) for (const f of b.fields) if (f.macro.startsWith('__array') && f.args[2]) for (const m of f.args[2].matchAll(/\b[A-Z][A-Z0-9_]+\b/g)) lengthNames.add(m[0]);
  const missing = [...lengthNames].filter((n) => !env.constants.has(n));
  if (missing.length > 0) {
    const hashes = nameHashes(missing);
    const known = new Set(constantFiles.map((c) => c.file));
    const extra = scans.filter((c) => c.definedNames && !known.has(c.file) && definedNamesMayHold(c, hashes));
    if (extra.length > 0) {
      constantFiles.push(...extra);
      for (const n of missing) collected.delete(n);
      queue.push(...missing);
      collectWanted();
    }
  }
}

const AGGREGATE_USE = /\b(struct|union|enum)\s+(\w+)\b(?!\s*\*)/g;
/** `#pragma pack(…)` lines: a struct defined after `pack(1)` is packed (include/linux/cper.h). */
const PRAGMA_PACK = /^[ \t]*#[ \t]*pragma[ \t]+pack[ \t]*\(([^)\n]*)\)/gm;

/**
 * The definitions of the structs, unions and enums the events' fields take whole or take the size of, and of the
 * ones those contain, from the kernel's headers (the scan listed which header defines which): their text, for
 * the resolver to lay out. `want` is told every name they use, for the constants pass.
 */
function collectAggregates(
  scans: readonly FileScan[],
  bodies: Iterable<ClassBody>,
  env: TypeEnv,
  read: (rel: string) => string | undefined,
  want: (text: string) => void,
): void {
  const definedIn = new Map<string, string[]>();
  for (const s of scans) for (const a of s.aggregates ?? []) definedIn.set(a, [...(definedIn.get(a) ?? []), s.file]);
  env.aggregates = new Map();
  const seen = new Set<string>();
  const queue: string[] = [];
  const wantIn = (text: string): void => {
    for (const m of text.matchAll(AGGREGATE_USE)) {
      const name = `${m[1]} ${m[2]}`;
      if (!seen.has(name) && definedIn.has(name)) {
        seen.add(name);
        queue.push(name);
      }
    }
    // A typedef of a struct (`typedef struct in6_addr foo_t;`) used by name.
    for (const m of text.matchAll(/\b[A-Za-z_]\w*_t\b/g)) for (const d of env.typedefs.get(m[0]) ?? []) if (/^(struct|union|enum) /.test(d.value)) wantIn(d.value);
  };
  for (const b of bodies) for (const f of b.fields) for (const a of f.args) wantIn(a);
  const stripped = new Map<string, string>();
  while (queue.length > 0) {
    const name = queue.pop()!;
    const [kind, tag] = name.split(' ') as [string, string];
    const head = new RegExp(`\\b${kind}[ \\t]+${tag}\\s*(?:__\\w+(?:\\s*\\([^()]*\\))?\\s*)*\\{`, 'g');
    for (const file of definedIn.get(name) ?? []) {
      let text = stripped.get(file);
      if (text === undefined) {
        text = stripComments(read(file) ?? '');
        stripped.set(file, text);
      }
      const packs = text.includes('pragma') ? [...text.matchAll(PRAGMA_PACK)] : [];
      for (const m of text.matchAll(head)) {
        // The `#pragma pack` in force where the definition starts: pack(1) packs it, another alignment is not
        // modelled (the definition is left out: unknown, not wrong).
        const pack = packs.filter((p) => p.index < m.index).pop()?.[1]!.replace(/\s+/g, '');
        if (pack !== undefined && pack !== '' && pack !== 'pop' && pack !== '1' && pack !== 'push,1') continue;
        const packed = pack === '1' || pack === 'push,1';
        const open = m.index + m[0].length - 1;
        let close: number;
        try {
          close = matchingBracket(text, open);
        } catch (e) {
          if (e instanceof CTextError) continue;
          throw e;
        }
        const semi = text.indexOf(';', close);
        const def = text.slice(m.index, semi < 0 ? close + 1 : semi) + (packed ? ' __packed' : '');
        addTo(env.aggregates, name, { value: def, file });
        wantIn(def);
        want(def);
      }
    }
  }
}

const DEFINED_NAME = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]/gm;
const ENUM_NAME = /\b([A-Z][A-Z0-9_]+)\s*[=,}]/g;

/**
 * Whether `text` may declare one of `names` as a constant: every name extractDecls reads is also found
 * here (the same anchors, shorter matches), at a third of its cost and without building its pairs.
 */
function definesAny(text: string, names: ReadonlySet<string>): boolean {
  for (const m of text.matchAll(DEFINED_NAME)) if (names.has(m[1]!)) return true;
  if (text.includes('enum')) for (const m of text.matchAll(ENUM_NAME)) if (names.has(m[1]!)) return true;
  return false;
}

export function addTo(m: Map<string, Decl[]>, k: string, v: Decl): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = []));
  s.push(v);
}
