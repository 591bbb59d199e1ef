/**
 * A kernel source tree as a source: finds every file that defines trace events (by content), reads
 * them (./extract.ts), predicts x86_64 formats (./layout.ts), counts call sites (./scan.ts), and builds
 * a canonical snapshot. Never throws for what is inside the tree: unreadable definitions become problems.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EventDef, Field, Problem, Snapshot } from '../../model/snapshot.js';
import { makeSnapshot } from '../../model/canonical.js';
import { InputError } from '../../errors.js';
import type { FileModel } from './filemodel.js';
import { cachedFileModel, defaultParseCacheDir } from './parse-cache.js';
import { type ClassBody, type RawEvent, extractUnit } from './extract.js';
import { type FileScan, definedNamesMayHold, extractDecls, isTypeHeader, listSourceFiles, nameHashes, scanFile } from './scan.js';
import { type Decl, type Shape, type TypeEnv, TypeResolver, fieldShape, layoutFields } from './layout.js';
import { scanInWorkers } from './pool.js';
import { stampOf, storedScans, storeScans } from './scan-cache.js';
import { type FileDigest, digestText, readUnit, writeUnit } from './unit-cache.js';
import { loadTreeIsolated } from './isolate.js';
import type { LoadTreeOptions } from './options.js';
import { DEFINES_SYSTEM, UNIT_HINT } from './forms.js';

export type { LoadTreeOptions } from './options.js';

function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (e as Error).message;
}

export async function loadTree(root: string, opts: LoadTreeOptions = {}): Promise<Snapshot> {
  checkRoot(root);
  return (await loadTreeIsolated(root, opts)) ?? loadTreeInProcess(root, opts);
}

/** loadTree in this thread (./tree-worker.ts runs it in a thread of its own). */
export async function loadTreeInProcess(root: string, opts: LoadTreeOptions = {}): Promise<Snapshot> {
  checkRoot(root);
  return buildSnapshot(root, await scanTree(root, opts), opts);
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

/** Lists and scans every source file of the tree (the pass that finds definitions, types and call sites). */
export async function scanTree(root: string, opts: LoadTreeOptions = {}): Promise<FileScan[]> {
  const files = listSourceFiles(root);
  const cacheDir = parseCacheDir(opts);
  if (cacheDir === undefined) return scanAll(root, files, opts);
  // Files whose size, times and inode are as the last run of this tree saw them keep that run's scan
  // (./scan-cache.ts); the stamps are taken before reading, so a file changed during the run is read again next time.
  let real: string;
  try {
    real = fs.realpathSync(root);
  } catch {
    return scanAll(root, files, opts);
  }
  const started = Date.now();
  const stamps = new Map(files.map((f) => [f, stampOf(path.join(root, f))]));
  const stored = storedScans(cacheDir, real, stamps);
  // Progress counts the whole tree: stored scans are done from the start.
  const onProgress = opts.onProgress;
  const fresh = await scanAll(root, files.filter((f) => !stored.has(f)), onProgress ? { ...opts, onProgress: (done) => onProgress(stored.size + done, files.length) } : opts);
  onProgress?.(files.length, files.length);
  const freshByFile = new Map(fresh.map((s) => [s.file, s]));
  const scans = files.map((f) => stored.get(f) ?? freshByFile.get(f)!);
  if (fresh.length > 0 || stored.size !== files.length) storeScans(cacheDir, real, started, scans, stamps);
  return scans;
}

function parseCacheDir(opts: LoadTreeOptions): string | undefined {
  return opts.parseCache === false ? undefined : (opts.parseCache ?? defaultParseCacheDir());
}

async function scanAll(root: string, files: string[], opts: LoadTreeOptions): Promise<FileScan[]> {
  const workers = opts.workers ?? 2;
  if (workers > 0) {
    const viaPool = await scanInWorkers(root, files, workers, opts.onProgress);
    if (viaPool) return viaPool;
  }
  const out: FileScan[] = [];
  for (let i = 0; i < files.length; i++) {
    out.push(scanFile(root, files[i]!));
    if (opts.onProgress && (i % 500 === 0 || i === files.length - 1)) opts.onProgress(i + 1, files.length);
  }
  return out;
}

export function buildSnapshot(root: string, scans: FileScan[], opts: LoadTreeOptions): Snapshot {
  const overlay = opts.overlay;
  const read = (rel: string): string | undefined =>
    overlay?.has(rel) ? (overlay.get(rel) ?? undefined) : readText(root, rel);
  scans = [...scans].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const problems: Problem[] = [];
  const texts = new Map<string, string>();
  const env: TypeEnv = { typedefs: new Map(), constants: new Map(), unsignedChar: false };
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
  env.unsignedChar = read('Makefile')?.includes('-funsigned-char') ?? false;

  const cacheDir = parseCacheDir(opts);
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
  const withSystem = units.filter((f) => DEFINES_SYSTEM.test(texts.get(f)!));
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
  const unitSet = new Set(units);
  const parents = scans.filter((s) => !unitSet.has(s.file) && s.includes?.some((i) => unitSet.has(i))).map((s) => s.file);
  for (const f of parents) runUnit(f);
  for (const f of withSystem) if (!visited.has(f)) runUnit(f);
  // Headers that define events without a TRACE_SYSTEM of their own and that no unit included.
  for (const f of units) if (!visited.has(f)) runUnit(f);

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
    ...scans.filter((s) => s.definedNames && isTypeHeader(s.file)),
    ...scans.filter((s) => s.definedNames && !isTypeHeader(s.file) && isLocal(s.file)),
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
  const collected = new Set<string>();
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
      const text = texts.get(file) ?? read(file);
      if (text === undefined || !definesAny(text, toCollect)) continue;
      for (const [k, v] of extractDecls(text).constants ?? []) {
        if (!toCollect.has(k)) continue;
        addTo(env.constants, k, { value: v, file });
        want(v);
      }
    }
  }
  const resolvers = new Map<string, TypeResolver>();
  const typesFor = (file: string): TypeResolver => {
    const dir = path.posix.dirname(file);
    let r = resolvers.get(dir);
    if (!r) resolvers.set(dir, (r = new TypeResolver(env, dir)));
    return r;
  };
  const types = typesFor('include/linux/trace_events.h');

  // Classes by name across the tree, for DEFINE_EVENTs whose class lives in another unit.
  const globalClasses = new Map<string, ClassBody[]>();
  for (const c of allClasses) globalClasses.set(c.name, [...(globalClasses.get(c.name) ?? []), c]);

  const common = commonFields(read, types, problems);
  const commonSize = common.length > 0 && common.every((f) => f.size !== undefined && f.offset !== undefined)
    ? Math.max(...common.map((f) => f.offset! + f.size!))
    : undefined;
  const headerEnd = commonSize === undefined ? undefined : Math.ceil(commonSize / 4) * 4;

  const layoutCache = new Map<ClassBody, Field[]>();
  const layoutOf = (b: ClassBody): Field[] => {
    let f = layoutCache.get(b);
    if (!f) {
      const shapes: { shape: Shape; spec: ClassBody['fields'][number] }[] = [];
      let broken = false;
      for (const spec of b.fields) {
        const s = fieldShape(spec);
        if (typeof s === 'string') {
          problems.push({ file: b.file, line: spec.line, message: `${b.name}: ${s}` });
          broken = true;
          continue;
        }
        shapes.push({ shape: s, spec });
      }
      f = layoutFields(shapes, typesFor(b.file), headerEnd ?? Number.NaN);
      if (broken || headerEnd === undefined || b.fieldProblems.length > 0) {
        // A field that could not be read makes every offset after the first gap unknown.
        f = f.map((x) => {
          const { offset: _o, ...rest } = x;
          return rest;
        });
      }
      layoutCache.set(b, f);
    }
    return f;
  };

  const events: EventDef[] = [];
  const keys = new Map<string, RawEvent>();
  for (const r of raw) {
    const key = `${r.system}:${r.name}\0${r.condition ?? ''}`;
    const prev = keys.get(key);
    if (prev) {
      if (prev.file !== r.file || prev.line !== r.line) {
        problems.push({ file: r.file, line: r.line, message: `${r.system}:${r.name} defined again (first at ${prev.file}:${prev.line}); kept the first` });
      }
      continue;
    }
    keys.set(key, r);
    const ev: EventDef = { system: r.system, name: r.name, kind: r.kind, fields: [], location: { file: r.file, line: r.line } };
    if (r.condition) ev.condition = r.condition;
    let body = r.body;
    if (r.className) {
      body = r.unit.get(r.className);
      if (!body) {
        const g = globalClasses.get(r.className);
        if (g && g.length === 1) body = g[0];
      }
      if (!body) {
        problems.push({ file: r.file, line: r.line, message: `${r.system}:${r.name}: event class ${r.className} not found` });
        continue;
      }
      ev.class = r.className;
    }
    if (body) {
      ev.fields = layoutOf(body);
      if (body.proto) ev.proto = body.proto;
      if (body.print) ev.print = body.print;
      const assign: Record<string, string> = {};
      const names = new Set(ev.fields.map((f) => f.name));
      for (const [k, v] of Object.entries(body.assign)) if (names.has(k)) assign[k] = v;
      if (Object.keys(assign).length) ev.assign = assign;
      if (body.writes) {
        const writes = new Set(body.writes);
        ev.written = ev.fields.map((f) => f.name).filter((n) => writes.has(n));
      }
      ev.assignDigest = body.assignDigest;
    }
    if (r.proto) ev.proto = r.proto;
    if (r.print) ev.print = r.print;
    ev.calls = callsOf(r.name, r.file, calls, pastes);
    events.push(ev);
  }

  const kernel: Snapshot['kernel'] = { source: opts.label ?? path.basename(path.resolve(root)), kind: 'tree', arch: 'x86_64' };
  const release = kernelRelease(read);
  if (release) kernel.release = release;
  return makeSnapshot({ kernel, header: { common }, events, problems });
}

const DEFINED_NAME = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]/gm;
const ENUM_NAME = /\b([A-Z][A-Z0-9_]+)\s*=/g;

/**
 * Whether `text` may declare one of `names` as a constant: every name extractDecls reads is also found
 * here (the same anchors, shorter matches), at a third of its cost and without building its pairs.
 */
function definesAny(text: string, names: ReadonlySet<string>): boolean {
  for (const m of text.matchAll(DEFINED_NAME)) if (names.has(m[1]!)) return true;
  if (text.includes('enum')) for (const m of text.matchAll(ENUM_NAME)) if (names.has(m[1]!)) return true;
  return false;
}

/** A `trace_<prefix>##…` paste: the file's directory, the prefixes, and (for a .c file) its identifiers. */
interface Paste {
  prefixes: string[];
  dir: string;
  idents?: Set<string>;
}

/**
 * `generated` when a paste could produce the name. A paste in a .c file: the prefix and the rest of the name
 * among that file's identifiers. A paste in a header (a macro used from other files: bcachefs, cgroup, rv):
 * the prefix alone, and for an empty prefix (`trace_##name`) only the events of the macro's own subsystem.
 */
function callsOf(name: string, file: string, calls: Map<string, number>, pastes: Paste[]): EventDef['calls'] {
  const count = (calls.get(name) ?? 0) + (calls.get(`${name}_enabled`) ?? 0) + (calls.get(`${name}_rcuidle`) ?? 0);
  const subsystem = file.split('/').slice(0, 2).join('/');
  const generated = pastes.some((p) =>
    p.prefixes.some((pre) => {
      if (!name.startsWith(pre) || name.length === pre.length) return false;
      if (p.idents) return p.idents.has(name.slice(pre.length));
      return pre !== '' || p.dir === subsystem || p.dir.startsWith(`${subsystem}/`);
    }),
  );
  return generated ? { count, generated } : { count };
}

function addTo(m: Map<string, Decl[]>, k: string, v: Decl): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = []));
  s.push(v);
}

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

/** `struct trace_entry` from include/linux/trace_events.h, laid out for x86_64. */
function commonFields(read: (rel: string) => string | undefined, types: TypeResolver, problems: Problem[]): Field[] {
  const file = 'include/linux/trace_events.h';
  const text = read(file);
  const m = text ? /struct\s+trace_entry\s*\{([^}]*)\}/.exec(text) : null;
  if (!m) {
    problems.push({ file, message: 'struct trace_entry not found: common fields unknown' });
    return [];
  }
  const members = m[1]!.split(';').map((s) => s.trim()).filter(Boolean);
  const specs = members.map((s) => {
    const mm = /^(.*?)\s*\b(\w+)$/s.exec(s);
    return { type: mm?.[1] ?? s, name: `common_${mm?.[2] ?? '?'}` };
  });
  const fields = layoutFields(
    specs.map((s) => ({ shape: { name: s.name, type: s.type, elem: s.type }, spec: { macro: '', args: [], line: 0 } })),
    types,
    0,
  );
  return fields.map((f) => {
    const { macro: _m, line: _l, ...rest } = f;
    return rest;
  });
}
