/**
 * Reading a tree's units: which headers are read as compilation units (./forms.ts's hints), in which order
 * (headers that wrap trace headers first, then those that set a system, then the rest no unit included),
 * each through ./extract.ts or the unit cache (./unit-cache.ts), with the file models of ./parse-cache.ts.
 */
import type { Problem } from '../../model/snapshot.js';
import type { FileModel } from './filemodel.js';
import { cachedFileModel } from './parse-cache.js';
import { extractUnit } from './extract.js';
import type { RawEvent } from './definitions.js';
import type { ClassBody } from './bodies.js';
import type { FileScan } from './scan.js';
import { type FileDigest, digestText, readUnit, writeUnit } from './unit-cache.js';
import { DEFINES_SYSTEM, UNIT_HINT } from './forms.js';

export interface UnitsInput {
  /** The file pass's scans, sorted by file. */
  scans: readonly FileScan[];
  /** Texts of the files that may define events (the scans' defText). */
  texts: ReadonlyMap<string, string>;
  /** Any file of the tree (or of a patch's overlay). */
  read: (rel: string) => string | undefined;
  /** Parse and unit cache directory; undefined: no cache. */
  cacheDir: string | undefined;
  /** Where problems go, in the order they are met. */
  problems: Problem[];
  /** Told how many units there are, before they are read (progress). */
  onUnits?: (count: number) => void;
}

export interface UnitsRead {
  /** Events in reading order (units in the order above, each in file order). */
  raw: RawEvent[];
  classes: ClassBody[];
  /** Every file some unit read. */
  visited: Set<string>;
}

export function readUnits({ scans, texts, read, cacheDir, problems, onUnits }: UnitsInput): UnitsRead {
  const models = new Map<string, FileModel | null>();
  const modelOf = (rel: string): FileModel | undefined => {
    const hit = models.get(rel);
    if (hit !== undefined) return hit ?? undefined;
    let text = texts.get(rel);
    if (text === undefined) text = read(rel);
    let m: FileModel | null = null;
    try {
      m = text === undefined ? null : cachedFileModel(rel, text, cacheDir);
    } catch (e) {
      // Adversarial nesting (thousands of `/*` or brackets) overflows the stack of the syntax-tree walk:
      // that header is skipped and said so; the rest of the tree carries on.
      if (!(e instanceof RangeError)) throw e;
      problems.push({ file: rel, message: 'nested too deeply to read (the syntax tree overflows the stack)' });
    }
    models.set(rel, m);
    return m ?? undefined;
  };

  const units = [...texts.keys()].filter((f) => UNIT_HINT.test(texts.get(f)!)).sort();
  onUnits?.(units.length);
  const withSystem = units.filter((f) => DEFINES_SYSTEM.test(texts.get(f)!));
  const unitSet = new Set(units);
  const visited = new Set<string>();
  const raw: RawEvent[] = [];
  const allClasses: ClassBody[] = [];
  const seenProblems = new Set<string>();
  // Units whose files all read as in an earlier run take that run's result (./unit-cache.ts).
  const digests = new Map<string, FileDigest>();
  const digestOf = (rel: string): FileDigest => {
    let d = digests.get(rel);
    if (d === undefined) digests.set(rel, (d = digestText(texts.get(rel) ?? read(rel))));
    return d;
  };
  const readUnitAndRecord = (f: string): ReturnType<typeof extractUnit> => {
    const cached = cacheDir === undefined ? undefined : readUnit(cacheDir, f, digestOf);
    if (cached) return cached;
    const deps = new Map<string, FileDigest>();
    const failedBefore = problems.length;
    const r = extractUnit(f, {
      model: (rel) => {
        if (!deps.has(rel)) deps.set(rel, digestOf(rel));
        return modelOf(rel);
      },
      definesEvents: (rel) => unitSet.has(rel),
    });
    // A header that could not be modelled is reported by modelOf as a side effect: such a unit is not kept.
    if (cacheDir !== undefined && problems.length === failedBefore) writeUnit(cacheDir, f, deps, r);
    return r;
  };
  const runUnit = (f: string): void => {
    let r: ReturnType<typeof extractUnit>;
    try {
      r = readUnitAndRecord(f);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      problems.push({ file: f, message: 'nested too deeply to read (stack overflow)' });
      return;
    }
    r.files.forEach((x) => visited.add(x));
    raw.push(...r.events);
    allClasses.push(...r.classes);
    for (const p of r.problems) {
      const key = `${p.file}\0${p.line}\0${p.message}`;
      if (seenProblems.has(key)) continue;
      seenProblems.add(key);
      problems.push(p);
    }
  };
  // Headers that wrap trace headers (define their helper macros, then #include "trace-x.h") go first, so
  // that the wrapped header is read with its helpers, as the compiler reads it.
  const parents = scans.filter((s) => !unitSet.has(s.file) && s.includes?.some((i) => unitSet.has(i))).map((s) => s.file);
  for (const f of parents) runUnit(f);
  for (const f of withSystem) if (!visited.has(f)) runUnit(f);
  // Headers that define events without a TRACE_SYSTEM of their own and that no unit included.
  for (const f of units) if (!visited.has(f)) runUnit(f);
  return { raw, classes: allClasses, visited };
}
