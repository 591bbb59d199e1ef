/**
 * Reading a tree's units: which headers are read as compilation units (./forms.ts's hints), in which order
 * (headers that wrap trace headers first, then those that set a system, then the rest no unit included),
 * each through ./extract.ts or the unit cache (./unit-cache.ts), with the file models of ./parse-cache.ts.
 *
 * A unit's reading is a pure function of its files and of one fact about the tree: which files define events
 * (`definesEvents`, asked when a unit includes `<x/y.h>`). So a UnitReader can read units before the file pass
 * has seen every file (`readAhead`, while the `.c` files are still being scanned), and keep each result with
 * the answers it was given; `readUnits` then takes the units in the order the whole tree decides, using a
 * result read ahead only when every answer it depended on is still the same. The snapshot is the same either
 * way, only sooner.
 */
import type { Problem } from '../../model/snapshot.js';
import type { FileModel } from './filemodel.js';
import { cachedFileModel } from './parse-cache.js';
import { type ExtractResult, extractUnit } from './extract.js';
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
  /** Where problems go. */
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

/** A unit read once: its result (or the stack overflow that stopped it), and what it depended on besides its files. */
interface UnitRead {
  outcome: ExtractResult | 'overflow';
  /** Every `definesEvents` question the reading asked, with the answer it got. */
  asked: Map<string, boolean>;
  /** The files whose models it asked for, in that order. */
  modelled: string[];
}

/** Which files are units and in what groups they run (see readUnits). */
interface UnitPlan {
  units: string[];
  unitSet: ReadonlySet<string>;
  /** Headers that include a unit without being one. */
  parents: string[];
  withSystem: string[];
}

function planUnits(scans: readonly FileScan[], texts: ReadonlyMap<string, string>): UnitPlan {
  const units = [...texts.keys()].filter((f) => UNIT_HINT.test(texts.get(f)!)).sort();
  const unitSet = new Set(units);
  return {
    units,
    unitSet,
    parents: scans.filter((s) => !unitSet.has(s.file) && s.includes?.some((i) => unitSet.has(i))).map((s) => s.file),
    withSystem: units.filter((f) => DEFINES_SYSTEM.test(texts.get(f)!)),
  };
}

/**
 * Runs `read` on each unit in reading order, skipping those an earlier unit already read (it returns the files
 * a unit read). Headers that wrap trace headers (define their helper macros, then #include "trace-x.h") go first,
 * so that the wrapped header is read with its helpers, as the compiler reads it.
 */
function inReadingOrder(plan: UnitPlan, read: (unit: string) => readonly string[]): Set<string> {
  const visited = new Set<string>();
  const run = (f: string): void => read(f).forEach((x) => visited.add(x));
  for (const f of plan.parents) run(f);
  for (const f of plan.withSystem) if (!visited.has(f)) run(f);
  // Headers that define events without a TRACE_SYSTEM of their own and that no unit included.
  for (const f of plan.units) if (!visited.has(f)) run(f);
  return visited;
}

export class UnitReader {
  private readonly models = new Map<string, FileModel | null>();
  /** Why a file could not be modelled, said once, by the first unit kept that asked for it. */
  private readonly modelProblems = new Map<string, Problem>();
  private readonly digests = new Map<string, FileDigest>();
  private readonly done = new Map<string, UnitRead>();
  /** Texts already in memory (the file pass's defText), so that those files are not read again. */
  private readonly texts = new Map<string, string>();

  /**
   * @param read any file of the tree (or of a patch's overlay)
   * @param cacheDir parse and unit cache directory; undefined: no cache
   */
  constructor(
    private readonly read: (rel: string) => string | undefined,
    private readonly cacheDir: string | undefined,
  ) {}

  private textOf(rel: string): string | undefined {
    return this.texts.get(rel) ?? this.read(rel);
  }

  private digestOf = (rel: string): FileDigest => {
    let d = this.digests.get(rel);
    if (d === undefined) this.digests.set(rel, (d = digestText(this.textOf(rel))));
    return d;
  };

  private modelOf(rel: string): FileModel | undefined {
    const hit = this.models.get(rel);
    if (hit !== undefined) return hit ?? undefined;
    const text = this.textOf(rel);
    let m: FileModel | null = null;
    try {
      m = text === undefined ? null : cachedFileModel(rel, text, this.cacheDir);
    } catch (e) {
      // Adversarial nesting (thousands of `/*` or brackets) overflows the stack of the syntax-tree walk:
      // that header is skipped and said so; the rest of the tree carries on.
      if (!(e instanceof RangeError)) throw e;
      this.modelProblems.set(rel, { file: rel, message: 'nested too deeply to read (the syntax tree overflows the stack)' });
    }
    this.models.set(rel, m);
    return m ?? undefined;
  }

  private addTexts(texts: ReadonlyMap<string, string>): void {
    for (const [rel, text] of texts) this.texts.set(rel, text);
  }

  /** `unit` read with `unitSet` as the files that define events: the earlier reading when its answers still hold. */
  private unit(f: string, unitSet: ReadonlySet<string>): UnitRead {
    const earlier = this.done.get(f);
    if (earlier && [...earlier.asked].every(([rel, answer]) => unitSet.has(rel) === answer)) return earlier;
    const read = this.readFresh(f, unitSet);
    this.done.set(f, read);
    return read;
  }

  private readFresh(f: string, unitSet: ReadonlySet<string>): UnitRead {
    const asked = new Map<string, boolean>();
    const cached = this.cacheDir === undefined ? undefined : readUnit(this.cacheDir, f, this.digestOf);
    if (cached) return { outcome: cached, asked, modelled: [] };
    const deps = new Map<string, FileDigest>();
    let outcome: UnitRead['outcome'];
    try {
      outcome = extractUnit(f, {
        model: (rel) => {
          if (!deps.has(rel)) deps.set(rel, this.digestOf(rel));
          return this.modelOf(rel);
        },
        definesEvents: (rel) => {
          const answer = unitSet.has(rel);
          asked.set(rel, answer);
          return answer;
        },
      });
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      outcome = 'overflow';
    }
    const modelled = [...deps.keys()];
    // A unit one of whose headers could not be modelled is not kept: the next run says so again.
    if (this.cacheDir !== undefined && outcome !== 'overflow' && !modelled.some((rel) => this.modelProblems.has(rel))) writeUnit(this.cacheDir, f, deps, outcome);
    return { outcome, asked, modelled };
  }

  /**
   * Reads, ahead of the whole pass, the units that `scans` (the headers, say) show and would read: those of
   * the tree's units that are among them, each with the answers these scans give. A unit that fails here is
   * left for readUnits, which reads it again only if the whole tree's order runs it.
   */
  readAhead(scans: readonly FileScan[]): void {
    const texts = new Map<string, string>();
    for (const s of scans) if (s.defText !== undefined) texts.set(s.file, s.defText);
    this.addTexts(texts);
    const plan = planUnits(scans, texts);
    inReadingOrder(plan, (f) => {
      try {
        const r = this.unit(f, plan.unitSet);
        return r.outcome === 'overflow' ? [] : r.outcome.files;
      } catch {
        this.done.delete(f);
        return [];
      }
    });
  }

  /** The tree's units, read in order (those read ahead reused where their answers still hold). */
  readUnits({ scans, texts, problems, onUnits }: UnitsInput): UnitsRead {
    this.addTexts(texts);
    const plan = planUnits(scans, texts);
    onUnits?.(plan.units.length);
    const raw: RawEvent[] = [];
    const allClasses: ClassBody[] = [];
    const seenProblems = new Set<string>();
    const saidModels = new Set<string>();
    const visited = inReadingOrder(plan, (f) => {
      const { outcome, modelled } = this.unit(f, plan.unitSet);
      for (const rel of modelled) {
        const p = this.modelProblems.get(rel);
        if (p && !saidModels.has(rel)) problems.push(p);
        saidModels.add(rel);
      }
      if (outcome === 'overflow') {
        problems.push({ file: f, message: 'nested too deeply to read (stack overflow)' });
        return [];
      }
      raw.push(...outcome.events);
      allClasses.push(...outcome.classes);
      for (const p of outcome.problems) {
        const key = `${p.file}\0${p.line}\0${p.message}`;
        if (seenProblems.has(key)) continue;
        seenProblems.add(key);
        problems.push(p);
      }
      return outcome.files;
    });
    return { raw, classes: allClasses, visited };
  }
}
