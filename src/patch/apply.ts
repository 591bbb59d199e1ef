/**
 * Applies file patches in memory on top of a tree (the tree on disk is never written). A series applies in
 * order, each patch on the result of the ones before.
 */
import fs from 'node:fs';
import path from 'node:path';
import { applyPatch, type StructuredPatch } from 'diff';
import { InputError } from '../errors.js';
import type { FilePatch } from './read.js';

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

/** The first hunk of `patch` that does not apply to `text` (1-based), for the error message. */
function failingHunk(text: string, patch: StructuredPatch): number {
  for (let i = 1; i <= patch.hunks.length; i++) {
    if (applyPatch(text, { ...patch, hunks: patch.hunks.slice(0, i) }) === false) return i;
  }
  return patch.hunks.length;
}

/**
 * A hunk must start inside the file (with the little slack real patches need): the `diff` package searches
 * outward from the stated line, so a hunk claiming line 10^30 would never finish.
 */
function checkHunkBounds(fp: FilePatch, text: string, file: string): void {
  const lines = text.split('\n').length;
  fp.patch.hunks.forEach((h, i) => {
    const bad = !Number.isSafeInteger(h.oldStart) || !Number.isSafeInteger(h.oldLines) || h.oldStart < 0 || h.oldLines < 0;
    if (bad || h.oldStart > lines + 1 || h.oldLines > lines + 1) {
      throw new InputError(fp.source, `does not apply to ${file}: hunk ${i + 1} (@@ -${h.oldStart},${h.oldLines} @@) lies outside the file (${lines} lines)`);
    }
  });
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
      const n = failingHunk(text ?? '', fp.patch);
      const h = fp.patch.hunks[n - 1]!;
      throw new InputError(fp.source, `does not apply to ${source}: hunk ${n} (@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@) does not match`);
    }
    if (source !== target) after.set(source, null);
    after.set(target, result ?? '');
  }
  return { before, after };
}
