/**
 * The file pass's results kept between runs of the same tree, keyed by each file's metadata (size, mtime,
 * ctime, inode), as git's index keeps its stat data: a pre-merge check or a re-run on a kernel checkout reads
 * again only the files that changed. A file whose mtime is too close to the moment the cache was written
 * ("racy": it may have changed again within the clock's resolution) is always read again.
 *
 * One entry per tree (by its real path and this code), beside the parsed headers (`<parse cache>/scans/`).
 * Anything unreadable or odd is ignored and the tree is scanned whole.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import type { FileScan } from './scan.js';
import { codeIdentity as sharedIdentity, storeCacheFile } from './cache-files.js';

/** What must not change for a stored scan of a file to stand for it. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

interface Entry {
  root: string;
  /** Date.now() when the entry was written: files modified within a second before it are read again. */
  written: number;
  files: Map<string, { stamp: FileStamp; scan: FileScan }>;
}

/** How close to the cache's writing a file's mtime may be before its stored scan is distrusted. */
const RACY_MS = 1000;
/**
 * Trees whose scans are kept (a whole kernel tree's are ~35 MB): the most recently used ones. A nightly job
 * that unpacks each kernel into a new directory would otherwise add an entry per tree per night, forever.
 */
export const KEPT_TREES = 8;

const codeIdentity = (): string => sharedIdentity('scans', import.meta.url, ['./scan', './syscall-defs']);

function entryPath(dir: string, root: string): string {
  const key = crypto.createHash('sha256').update(codeIdentity()).update('\0').update(root).digest('hex');
  return path.join(dir, 'scans', `${key}.v8`);
}

export function stampOf(file: string): FileStamp | undefined {
  try {
    const st = fs.lstatSync(file);
    return st.isFile() ? { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino } : undefined;
  } catch {
    return undefined;
  }
}

const sameStamp = (a: FileStamp, b: FileStamp): boolean => a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;

/** The stored scans of `root` that still stand, by relative path (none when there is no usable entry). */
export function storedScans(dir: string, root: string, stamps: ReadonlyMap<string, FileStamp | undefined>): Map<string, FileScan> {
  const out = new Map<string, FileScan>();
  let entry: Entry;
  try {
    entry = v8.deserialize(fs.readFileSync(entryPath(dir, root))) as Entry;
    if (entry.root !== root || typeof entry.written !== 'number' || !(entry.files instanceof Map)) return out;
  } catch {
    return out;
  }
  touch(entryPath(dir, root));
  for (const [rel, stamp] of stamps) {
    const old = entry.files.get(rel);
    if (!stamp || !old || typeof old !== 'object' || !old.stamp || !old.scan || old.scan.file !== rel) continue;
    if (!sameStamp(stamp, old.stamp) || stamp.mtimeMs >= entry.written - RACY_MS || stamp.ctimeMs >= entry.written - RACY_MS) continue;
    out.set(rel, old.scan);
  }
  return out;
}

/** Stores the scans of `root` with the stamps they were read under. An unwritable cache only costs speed. */
export function storeScans(dir: string, root: string, written: number, scans: readonly FileScan[], stamps: ReadonlyMap<string, FileStamp | undefined>): void {
  try {
    const files: Entry['files'] = new Map();
    for (const scan of scans) {
      const stamp = stamps.get(scan.file);
      if (stamp && !scan.error) files.set(scan.file, { stamp, scan });
    }
    const at = entryPath(dir, root);
    storeCacheFile(at, v8.serialize({ root, written, files } satisfies Entry));
    evict(path.dirname(at));
  } catch {
    // read-only or full cache
  }
}

/** Marks an entry as used now (its mtime orders eviction). */
function touch(file: string): void {
  try {
    const now = new Date();
    fs.utimesSync(file, now, now);
  } catch {
    // read-only cache: eviction order is only a little less fair
  }
}

/** Removes all but the KEPT_TREES most recently used entries. */
function evict(dir: string): void {
  const entries = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.v8'))
    .map((f) => {
      const file = path.join(dir, f);
      try {
        return { file, used: fs.statSync(file).mtimeMs };
      } catch {
        return undefined;
      }
    })
    .filter((e) => e !== undefined)
    .sort((a, b) => b.used - a.used || (a.file < b.file ? -1 : 1));
  for (const e of entries.slice(KEPT_TREES)) fs.rmSync(e.file, { force: true });
}
