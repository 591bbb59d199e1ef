/**
 * Which hunk of a file patch fails first, numbered and placed as GNU patch reports it ("Hunk #10 FAILED at
 * 378."): hunks are taken in order, each searched for outward from its stated line shifted by the offset the
 * hunks before it were found at, never before where the previous hunk ended. Exact matching (no fuzz), as
 * check-patch applies them; the search is bounded by the file, whatever line a hunk claims.
 */
import type { StructuredPatch } from 'diff';

export interface HunkFailure {
  /** 1-based hunk number. */
  hunk: number;
  /** The line GNU patch names: the hunk's stated start plus the offset so far. */
  at: number;
  /** `outside`: the hunk starts past the end of the file and its lines are nowhere after the previous hunk. */
  reason: 'mismatch' | 'outside';
}

/** Lines of a text as a file has them: a final newline ends the last line, it does not start another. */
export function fileLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

export function lineCount(text: string): number {
  return fileLines(text).length;
}

function matchesAt(file: readonly string[], old: readonly string[], at: number): boolean {
  if (at < 0 || at + old.length > file.length) return false;
  for (let i = 0; i < old.length; i++) if (file[at + i] !== old[i]) return false;
  return true;
}

/** The first hunk that cannot be placed, or undefined when every hunk is found in order. */
export function firstFailingHunk(text: string, patch: StructuredPatch): HunkFailure | undefined {
  const file = fileLines(text);
  let offset = 0;
  let floor = 0;
  for (let i = 0; i < patch.hunks.length; i++) {
    const h = patch.hunks[i]!;
    const old = h.lines.filter((l) => l[0] === ' ' || l[0] === '-').map((l) => l.slice(1).replace(/\r$/, ''));
    // A pure insertion's stated start is the line after which it goes (0 for the top of the file).
    const stated = (old.length === 0 ? h.oldStart : h.oldStart - 1) + offset;
    let found = -1;
    const last = file.length - old.length;
    // The search starts where the hunk says, held inside the file: a hostile line number (or an offset carried
    // from one) must not make it walk a billion lines to reach the file.
    const at = Number.isSafeInteger(stated) ? Math.min(Math.max(stated, floor), old.length === 0 ? last : last + 1) : Number.MAX_SAFE_INTEGER;
    if (at <= last + 1 || old.length === 0) {
      for (let d = 0; found < 0 && (at - d >= floor || at + d <= last); d++) {
        if (at - d >= floor && matchesAt(file, old, at - d)) found = at - d;
        else if (d > 0 && at + d <= last && at + d >= floor && matchesAt(file, old, at + d)) found = at + d;
      }
    } else {
      // Claimed past the end: GNU patch still looks for it from the previous hunk on.
      for (let p = last; found < 0 && p >= floor; p--) if (matchesAt(file, old, p)) found = p;
    }
    if (found < 0) {
      const gnuLine = Number.isSafeInteger(h.oldStart + offset) ? h.oldStart + offset : h.oldStart;
      return { hunk: i + 1, at: gnuLine, reason: h.oldStart > file.length + 1 ? 'outside' : 'mismatch' };
    }
    offset = found - (old.length === 0 ? h.oldStart : h.oldStart - 1);
    floor = found + old.length;
  }
  return undefined;
}
