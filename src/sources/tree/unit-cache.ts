/**
 * What a unit (a trace header read with what it includes, ./extract.ts) yields, kept between runs. A unit's
 * reading is a pure function of the files it reads and of this code, so an entry records the SHA-256 of
 * every file the unit asked for, and is used only when each of them still reads the same: a nightly job
 * that reads the same kernel again, or check-patch's second snapshot of a tree the patch barely touches,
 * skips the macro expansion of every unit whose files did not change.
 *
 * Entries live beside the parsed headers (`<parse cache>/units/`), keyed by (this code, unit path, unit text).
 * Anything unreadable or odd is ignored and recomputed; nothing here can change a result.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import type { ExtractResult } from './extract.js';
import { codeIdentity as sharedIdentity, storeCacheFile } from './cache-files.js';

/** Hash of a file's text as the unit read it; null when the unit asked for a file that is not there. */
export type FileDigest = string | null;

export function digestText(text: string | undefined): FileDigest {
  return text === undefined ? null : crypto.createHash('sha256').update(text).digest('hex');
}

/**
 * Everything a unit's result depends on besides its files: the reading code, which is the extractor and the
 * file models it reads (and what they import, found from the sources).
 */
export const UNIT_CODE_ROOTS = ['./extract', './parse-cache'] as const;
const codeIdentity = (): string => sharedIdentity('units', import.meta.url, UNIT_CODE_ROOTS);

interface Entry {
  unit: string;
  deps: [string, FileDigest][];
  result: ExtractResult;
}

function entryPath(dir: string, unit: string, unitDigest: FileDigest): string {
  const key = crypto.createHash('sha256').update(codeIdentity()).update('\0').update(unit).update('\0').update(String(unitDigest)).digest('hex');
  return path.join(dir, 'units', key.slice(0, 2), `${key}.v8`);
}

function looksLikeEntry(e: unknown, unit: string): e is Entry {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Partial<Entry>;
  const r = o.result as Partial<ExtractResult> | undefined;
  return o.unit === unit && Array.isArray(o.deps) && o.deps.every((d) => Array.isArray(d) && typeof d[0] === 'string') && typeof r === 'object' && r !== null &&
    Array.isArray(r.events) && Array.isArray(r.classes) && Array.isArray(r.problems) && Array.isArray(r.files);
}

/** The stored result of `unit`, when every file it read still has the digest it had then. */
export function readUnit(dir: string, unit: string, digestOf: (rel: string) => FileDigest): ExtractResult | undefined {
  try {
    const entry: unknown = v8.deserialize(fs.readFileSync(entryPath(dir, unit, digestOf(unit))));
    if (!looksLikeEntry(entry, unit)) return undefined;
    for (const [rel, digest] of entry.deps) if (digestOf(rel) !== digest) return undefined;
    return entry.result;
  } catch {
    return undefined; // missing, damaged or foreign: read the unit
  }
}

/** Stores `result` with the digests of the files it was read from. A read-only or full cache only costs speed. */
export function writeUnit(dir: string, unit: string, deps: ReadonlyMap<string, FileDigest>, result: ExtractResult): void {
  storeCacheFile(entryPath(dir, unit, deps.get(unit) ?? null), v8.serialize({ unit, deps: [...deps], result } satisfies Entry));
}
