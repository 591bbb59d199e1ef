/**
 * A kernel source tree as a source: one pass over its files (./scan.ts: which define events, call sites,
 * typedefs), its units read (./units.ts, ./extract.ts), the constants the layouts need (./constants.ts), the
 * events assembled and laid out for x86_64 (./assemble.ts, ./layout.ts), and a canonical snapshot. Never
 * throws for what is inside the tree: unreadable definitions become problems.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Problem, Snapshot } from '../../model/snapshot.js';
import { makeSnapshot } from '../../model/canonical.js';
import { InputError } from '../../errors.js';
import { defaultParseCacheDir } from './parse-cache.js';
import { type FileScan, extractTypedefs, listSourceFiles, scanFile, withNames } from './scan.js';
import { type TypeEnv, TypeResolver, coreTypeHeaders } from './layout.js';
import { type ArchRules, archRules } from './arch.js';
import { type Kconfig, kconfigTruth, readKconfig } from './kconfig.js';
import { kbuildDecider } from './kbuild.js';
import { type Truth, archConditions } from './x86-64-config.js';
import type { EventDef } from '../../model/snapshot.js';
import { configDecider, readDefconfig, selectBranches } from './aggregate.js';
import { stripComments } from '../../util/ctext.js';
import { type ScanTask, scanInWorkers } from './pool.js';
import { stampOf, storedScans, storeScans } from './scan-cache.js';
import { loadTreeIsolated } from './isolate.js';
import type { LoadTreeOptions } from './options.js';
import { syscallEvents } from './syscalls.js';
import { UnitReader } from './units.js';
import { addTo, collectConstants } from './constants.js';
import { type Paste, assembleEvents, commonHeader } from './assemble.js';

export type { LoadTreeOptions } from './options.js';

function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (e as Error).message;
}

export async function loadTree(root: string, opts: LoadTreeOptions = {}): Promise<Snapshot> {
  checkRoot(root);
  // A bad .config is the user's input: said before the tree is read.
  if (opts.kconfig !== undefined) readKconfig(opts.kconfig);
  return (await loadTreeIsolated(root, opts)) ?? loadTreeInProcess(root, opts);
}

/** loadTree in this thread (./tree-worker.ts runs it in a thread of its own). */
export async function loadTreeInProcess(root: string, opts: LoadTreeOptions = {}): Promise<Snapshot> {
  checkRoot(root);
  // The units need only the headers' scans: they are read while the other threads scan the .c files.
  const units = new UnitReader(treeReader(root, opts.overlay), parseCacheDir(opts));
  const scans = await scanTree(root, opts, { onHeaders: (headers) => units.readAhead(headers) });
  const snap = buildSnapshot(root, scans, opts, units);
  opts.onPhase?.({ phase: 'done', events: snap.events.length });
  return snap;
}

function checkRoot(root: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(root);
    fs.readdirSync(root);
  } catch (e) {
    throw new InputError(root, describe(e));
  }
  if (!st.isDirectory()) throw new InputError(root, 'not a directory (a kernel source tree is a directory)');
}

export interface ScanHooks {
  /**
   * Called once, in the calling thread, with the scans of every header, as soon as they are all in and while
   * the other threads go on with the .c files: work that needs only the headers can overlap the rest of the pass.
   */
  onHeaders?: (headers: FileScan[]) => void;
}

/** Lists and scans every source file of the tree (the pass that finds definitions, types and call sites). */
export async function scanTree(root: string, opts: LoadTreeOptions = {}, hooks: ScanHooks = {}): Promise<FileScan[]> {
  opts.onPhase?.({ phase: 'listing' });
  const files = listSourceFiles(root);
  const cacheDir = parseCacheDir(opts);
  if (cacheDir === undefined) {
    opts.onPhase?.({ phase: 'reading', files: files.length, cached: 0 });
    return scanAll(root, files, opts, hooks.onHeaders);
  }
  // Files whose size, times and inode are as the last run of this tree saw them keep that run's scan
  // (./scan-cache.ts); the stamps are taken before reading, so a file changed during the run is read again next time.
  let real: string;
  try {
    real = fs.realpathSync(root);
  } catch {
    return scanAll(root, files, opts, hooks.onHeaders);
  }
  const started = Date.now();
  const stamps = new Map(files.map((f) => [f, stampOf(path.join(root, f))]));
  const stored = storedScans(cacheDir, real, stamps);
  opts.onPhase?.({ phase: 'reading', files: files.length, cached: stored.size });
  // Progress counts the whole tree: stored scans are done from the start.
  const onProgress = opts.onProgress;
  const onHeaders = hooks.onHeaders;
  const storedHeaders = onHeaders ? [...stored.values()].filter((s) => isHeader(s.file)) : [];
  const fresh = await scanAll(
    root,
    files.filter((f) => !stored.has(f)),
    onProgress ? { ...opts, onProgress: (done) => onProgress(stored.size + done, files.length) } : opts,
    onHeaders && ((headers) => onHeaders([...storedHeaders, ...headers])),
    (rel) => stamps.get(rel)?.size,
  );
  onProgress?.(files.length, files.length);
  const freshByFile = new Map(fresh.map((s) => [s.file, s]));
  const scans = files.map((f) => stored.get(f) ?? freshByFile.get(f)!);
  if (fresh.length > 0 || stored.size !== files.length) storeScans(cacheDir, real, started, scans, stamps);
  return scans;
}

function parseCacheDir(opts: LoadTreeOptions): string | undefined {
  return opts.parseCache === false ? undefined : (opts.parseCache ?? defaultParseCacheDir());
}

const isHeader = (rel: string): boolean => rel.endsWith('.h');

/**
 * Headers at least this large are scanned in two parts when something waits for the headers (ScanHooks): the
 * definitions first, the defined names after the .c files. In 6.12 the 205 headers of 256 KB or more (475 MB,
 * nearly all of them register headers) hold two thirds of the pass's name hashing; reading them twice costs
 * ~0.1 s of CPU, splitting the 24,000 smaller ones too would cost more than it moves.
 */
const SPLIT_HEADER_BYTES = 256 * 1024;

/**
 * Scans `files` (sorted). With `onHeaders`, every header is scanned first, the large ones without their defined
 * names (the units do not need those); `onHeaders` runs on those scans while the other threads scan the .c files
 * and then hash the large headers' names, and this thread joins them after.
 */
async function scanAll(
  root: string,
  files: string[],
  opts: LoadTreeOptions,
  onHeaders?: (headers: FileScan[]) => void,
  sizeOf: (rel: string) => number | undefined = (rel) => stampOf(path.join(root, rel))?.size,
): Promise<FileScan[]> {
  const headers = onHeaders ? files.filter(isHeader) : [];
  const split = headers.filter((f) => (sizeOf(f) ?? 0) >= SPLIT_HEADER_BYTES);
  const splitSet = new Set(split);
  const tasks: ScanTask[] = onHeaders
    ? [
        ...headers.map((file) => ({ file, part: splitSet.has(file) ? ('definitions' as const) : ('all' as const) })),
        ...files.filter((f) => !isHeader(f)).map((file) => ({ file, part: 'all' as const })),
        ...split.map((file) => ({ file, part: 'names' as const })),
      ]
    : files.map((file) => ({ file, part: 'all' as const }));
  // Progress in files: a large header is scanned twice.
  const onProgress = opts.onProgress && ((done: number, total: number) => opts.onProgress!(Math.floor((done * files.length) / total), files.length));
  const first = onHeaders && { count: headers.length, then: onHeaders };
  const workers = opts.workers ?? 2;
  let scans: FileScan[] | undefined;
  if (workers > 0) scans = await scanInWorkers(root, tasks, workers, onProgress, first);
  if (!scans) {
    scans = [];
    if (first && first.count === 0) first.then([]);
    for (let i = 0; i < tasks.length; i++) {
      scans.push(scanFile(root, tasks[i]!.file, tasks[i]!.part));
      if (onProgress && (i % 500 === 0 || i === tasks.length - 1)) onProgress(i + 1, tasks.length);
      if (first && i === first.count - 1) first.then(scans.slice());
    }
  }
  const byFile = new Map<string, FileScan>();
  scans.forEach((scan, i) => {
    const earlier = tasks[i]!.part === 'names' ? byFile.get(scan.file) : undefined;
    byFile.set(scan.file, earlier ? withNames(earlier, scan) : scan);
  });
  // In the order asked for, as callers (and the scan cache) expect.
  return files.map((f) => byFile.get(f)!);
}

/** Reads a file of the tree, or of a patch's overlay (null there: deleted). */
function treeReader(root: string, overlay: ReadonlyMap<string, string | null> | undefined): (rel: string) => string | undefined {
  return (rel) => (overlay?.has(rel) ? (overlay.get(rel) ?? undefined) : readText(root, rel));
}

/**
 * The snapshot of a tree from its file pass. `units` may hold units already read (UnitReader.readAhead) with the
 * same reader and caches as `opts` give.
 */
export function buildSnapshot(root: string, scans: FileScan[], opts: LoadTreeOptions, units?: UnitReader): Snapshot {
  const read = treeReader(root, opts.overlay);
  scans = [...scans].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const problems: Problem[] = [];
  const texts = new Map<string, string>();
  const arch = archRules(opts.arch);
  const kconfig = opts.kconfig !== undefined ? readKconfig(opts.kconfig) : undefined;
  const env: TypeEnv = { typedefs: new Map(), constants: new Map(), unsignedChar: false, arch };
  const calls = new Map<string, number>();
  const pastes: Paste[] = [];
  for (const s of scans) {
    if (s.error) problems.push({ file: s.file, message: `unreadable: ${s.error}` });
    if (s.defText !== undefined) texts.set(s.file, s.defText);
    for (const [k, v] of s.typedefs ?? []) addTo(env.typedefs, k, { value: v, file: s.file });
    if (!s.machinery) {
      for (const [k, n] of Object.entries(s.calls ?? {})) calls.set(k, (calls.get(k) ?? 0) + n);
      if (s.paste) {
        const paste: Paste = { prefixes: s.paste.prefixes, dir: path.posix.dirname(s.file) };
        if (s.paste.idents) paste.idents = new Set(s.paste.idents);
        pastes.push(paste);
      }
    }
  }
  env.unsignedChar = arch.unsignedChar || (read('Makefile')?.includes('-funsigned-char') ?? false);
  // The configuration struct bodies' #ifs are decided by: the given .config, else the architecture's defconfig.
  env.config = readDefconfig(kconfig ? kconfig.text : read(arch.defconfig), arch);
  // The core type headers choose some types by configuration (`#ifdef CONFIG_ARCH_DMA_ADDR_T_64BIT typedef u64
  // dma_addr_t; #else typedef u32 …`): their typedefs are read again from the branches an x86_64 defconfig build
  // (or the architecture's) takes (conditions it cannot decide keep all their branches, as before).
  const decideCore = configDecider(env.config, () => undefined, arch);
  for (const file of coreTypeHeaders(arch)) {
    const text = read(file);
    if (text === undefined) continue;
    const chosen = selectBranches(stripComments(text), decideCore, true);
    if (chosen === undefined) continue;
    for (const [name, decls] of env.typedefs) {
      const kept = decls.filter((d) => d.file !== file);
      if (kept.length !== decls.length) kept.length ? env.typedefs.set(name, kept) : env.typedefs.delete(name);
    }
    for (const [k, v] of extractTypedefs(chosen)) addTo(env.typedefs, k, { value: v, file });
  }
  env.typeMacros = new Map();
  for (const s of scans) for (const [k, v] of s.typeMacros ?? []) addTo(env.typeMacros, k, { value: v, file: s.file });

  const { raw, classes, visited } = (units ?? new UnitReader(read, parseCacheDir(opts))).readUnits({
    scans, texts, problems,
    ...(opts.onPhase ? { onUnits: (count: number) => opts.onPhase!({ phase: 'building', units: count }) } : {}),
  });
  collectConstants(env, { scans, visited, raw, classes, textOf: (f) => texts.get(f) ?? read(f) });
  const resolvers = new Map<string, TypeResolver>();
  const typesFor = (file: string): TypeResolver => {
    const dir = path.posix.dirname(file);
    let r = resolvers.get(dir);
    if (!r) resolvers.set(dir, (r = new TypeResolver(env, dir)));
    return r;
  };
  const types = typesFor('include/linux/trace_events.h');
  const { common, headerEnd } = commonHeader(read, types, problems);
  const events = assembleEvents({ raw, classes, calls, pastes, typesFor, headerEnd, problems });

  const config = kconfig ? kconfigTruth(kconfig) : undefined;
  const syscalls = syscallEvents({ files: scans.flatMap((s) => (s.syscalls ? [{ file: s.file, defs: s.syscalls }] : [])), read, headerEnd, arch, ...(config ? { config } : {}) });
  events.push(...syscalls.events);
  problems.push(...syscalls.problems);

  const kernel: Snapshot['kernel'] = { source: opts.label ?? path.basename(path.resolve(root)), kind: 'tree', arch: arch.name };
  if (kconfig) {
    const kept = builtBy(kconfig, { events, scans, read, arch });
    events.length = 0;
    events.push(...kept);
    kernel.kconfig = kconfig.label;
  }
  const release = kernelRelease(read);
  if (release) kernel.release = release;
  return makeSnapshot({ kernel, header: { common }, events, problems });
}

/**
 * The events one configuration builds (`--kconfig`): those whose `#if` condition it does not make false, defined
 * where it compiles the object that instantiates them. A header's tracepoints are made by the files that include
 * it after `#define CREATE_TRACE_POINTS` (or include a header that includes it); an event is left out only
 * when the configuration builds none of them, or its condition is false: what the tree cannot tell keeps it.
 * Syscall events need CONFIG_FTRACE_SYSCALLS and the file of their SYSCALL_DEFINE built.
 */
function builtBy(kconfig: Kconfig, input: { events: EventDef[]; scans: readonly FileScan[]; read: (rel: string) => string | undefined; arch: ArchRules }): EventDef[] {
  const { events, scans, read, arch } = input;
  const symbol = kconfigTruth(kconfig);
  const truth = archConditions(read, arch, symbol);
  const compiled = kbuildDecider(read, arch, truth);
  /** header → the files that create it, each with whether its include is compiled (its #if). */
  const creators = new Map<string, { file: string; included: Truth }[]>();
  const add = (header: string, file: string, included: Truth): void => {
    const l = creators.get(header);
    if (l) l.push({ file, included });
    else creators.set(header, [{ file, included }]);
  };
  const angled = (inc: string): string[] => [`include/${inc}`, `arch/${arch.dir}/include/${inc}`];
  // "x.h": beside the file, else (a Makefile's -I$(src)/..) under one of its parent directories.
  const files = new Set(scans.map((s) => s.file));
  const quoted = (file: string, inc: string): string[] => {
    for (let dir = path.posix.dirname(file); ; dir = path.posix.dirname(dir)) {
      const h = path.posix.normalize(dir === '.' ? inc : `${dir}/${inc}`);
      if (files.has(h)) return [h];
      if (dir === '.' || dir === '') return [];
    }
  };
  for (const s of scans) {
    for (const c of s.creates ?? []) {
      // An include this configuration compiles out creates nothing.
      const included = c.condition === undefined ? true : truth(c.condition);
      for (const h of c.header.startsWith('<') ? angled(c.header.slice(1, -1)) : quoted(s.file, c.header.slice(1, -1))) add(h, s.file, included);
    }
  }
  // A header included by a created header is created with it (a wrapper that includes several trace headers).
  for (const s of scans) {
    const made = creators.get(s.file);
    if (!made) continue;
    for (const inc of s.includes ?? []) if (inc !== s.file) for (const f of made) add(inc, f.file, f.included);
  }
  const builtMemo = new Map<string, Truth>();
  const built = (file: string): Truth => {
    if (builtMemo.has(file)) return builtMemo.get(file);
    let out: Truth;
    if (file.endsWith('.c')) out = compiled(file);
    else {
      const made = creators.get(file);
      // Created if one of its creators includes it and is compiled.
      out = made ? made.reduce<Truth>((acc, f) => or(acc, and(f.included, compiled(f.file))), false) : undefined;
    }
    builtMemo.set(file, out);
    return out;
  };
  const syscallsOn = symbol('CONFIG_FTRACE_SYSCALLS');
  return events.filter((e) => {
    if (e.condition !== undefined && truth(e.condition) === false) return false;
    if (e.kind === 'syscall' && !syscallsOn) return false;
    return e.location === undefined || built(e.location.file) !== false;
  });
}

const and = (a: Truth, b: Truth): Truth => (a === false || b === false ? false : a === undefined || b === undefined ? undefined : true);
const or = (a: Truth, b: Truth): Truth => (a === true || b === true ? true : a === undefined || b === undefined ? undefined : false);

/** Reads a file inside the tree; never through a symbolic link, never outside the root. */
function readText(root: string, rel: string): string | undefined {
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const full = path.join(root, rel);
  try {
    // Every component must be a real directory or file: a link could lead out of the tree.
    let cur = path.resolve(root);
    for (const part of rel.split('/')) {
      cur = path.join(cur, part);
      if (fs.lstatSync(cur).isSymbolicLink()) return undefined;
    }
    return fs.readFileSync(full, 'utf8');
  } catch {
    return undefined;
  }
}

function kernelRelease(read: (rel: string) => string | undefined): string | undefined {
  const mk = read('Makefile');
  if (!mk) return undefined;
  const get = (k: string): string | undefined => new RegExp(`^${k}[ \\t]*=[ \\t]*(\\S*)`, 'm').exec(mk)?.[1];
  const v = get('VERSION');
  const p = get('PATCHLEVEL');
  if (!v || !p) return undefined;
  const s = get('SUBLEVEL');
  return `${v}.${p}${s ? `.${s}` : ''}${get('EXTRAVERSION') ?? ''}`;
}
