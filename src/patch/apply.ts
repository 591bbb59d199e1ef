/**
 * Applies file patches in memory on top of a tree (the tree on disk is never written). A series applies in
 * order, each patch on the result of the ones before.
 */
import fs from 'node:fs';
import path from 'node:path';
import { applyPatch, type StructuredPatch } from 'diff';
import { InputError } from '../errors.js';
import type { FilePatch } from './read.js';
import { type HunkFailure, firstFailingHunk, lineCount } from './hunks.js';

export interface PatchedTree {
  /** Tree-relative path → content before the series (null: did not exist). */
  before: Map<string, string | null>;
  /** Tree-relative path → content after the series (null: deleted). */
  after: Map<string, string | null>;
}

function readTreeFile(root: string, rel: string): string | null {
  const abs = path.join(root, rel);
  const real = path.resolve(abs);
  if (!real.startsWith(path.resolve(root) + path.sep)) throw new InputError(rel, 'outside the tree');
  try {
    return fs.readFileSync(abs, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new InputError(abs, (e as Error).message);
  }
}

/**
 * The `diff` package searches outward from a hunk's stated line without bound, so a hunk claiming line
 * 10^30 would never finish: before it runs, every hunk must start inside the file (or be found, in order, by
 * firstFailingHunk, whose search the file bounds). A hunk that is not found is named as GNU patch names it.
 */
function checkHunkBounds(fp: FilePatch, text: string, file: string): void {
  const lines = lineCount(text);
  const outside = fp.patch.hunks.some(
    (h) => !Number.isSafeInteger(h.oldStart) || !Number.isSafeInteger(h.oldLines) || h.oldStart < 0 || h.oldLines < 0 || h.oldStart > lines + 1 || h.oldLines > lines + 1,
  );
  if (!outside) return;
  const failure = firstFailingHunk(text, fp.patch) ?? { hunk: fp.patch.hunks.findIndex((h) => h.oldStart > lines + 1) + 1, at: 0, reason: 'outside' as const };
  throw hunkError(fp, file, failure, lines);
}

function hunkError(fp: FilePatch, file: string, failure: HunkFailure, lines: number): InputError {
  const h = fp.patch.hunks[Math.max(0, failure.hunk - 1)]!;
  const header = `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`;
  const why =
    failure.reason === 'outside'
      ? `lies outside the file (${lines} lines)`
      : `does not match at line ${failure.at} (the file has ${lines} lines)`;
  return new InputError(fp.source, `does not apply to ${file}: hunk ${failure.hunk} (${header}) ${why}`);
}

export function applyPatches(root: string, patches: FilePatch[]): PatchedTree {
  const before = new Map<string, string | null>();
  const after = new Map<string, string | null>();
  const current = (rel: string): string | null => {
    if (after.has(rel)) return after.get(rel)!;
    const text = readTreeFile(root, rel);
    before.set(rel, text);
    after.set(rel, text);
    return text;
  };
  for (const fp of patches) {
    const target = fp.newPath ?? fp.oldPath!;
    const source = fp.oldPath ?? fp.newPath!;
    const text = fp.oldPath === null ? '' : current(source);
    if (fp.oldPath !== null && text === null) throw new InputError(fp.source, `patch modifies ${source}, which is not in the tree`);
    if (fp.oldPath === null && current(target) !== null) throw new InputError(fp.source, `patch creates ${target}, which already exists`);
    if (!before.has(target)) before.set(target, readTreeFile(root, target));
    if (fp.newPath === null) {
      after.set(source, null);
      continue;
    }
    checkHunkBounds(fp, text ?? '', source);
    const result = fp.patch.hunks.length === 0 ? text : applyPatch(text ?? '', fp.patch);
    if (result === false) {
      // Found in order by our search but not by the package's (a stated line it would not look past): name
      // the last hunk rather than none.
      const failure = firstFailingHunk(text ?? '', fp.patch) ?? { hunk: fp.patch.hunks.length, at: fp.patch.hunks.at(-1)!.oldStart, reason: 'mismatch' as const };
      throw hunkError(fp, source, failure, lineCount(text ?? ''));
    }
    if (source !== target) after.set(source, null);
    after.set(target, result ?? '');
  }
  return { before, after };
}
