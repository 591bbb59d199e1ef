/**
 * Small text helpers the script readers share: line numbers from offsets, blanking comments and string
 * contents while keeping every offset (so a match's line is still its line), and brace matching.
 */

/** Offsets of line starts, for turning a character offset into a 1-based line. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

/** Replaces every character but newlines in [from, to) with a space. */
function blank(chars: string[], from: number, to: number): void {
  for (let i = from; i < to; i++) if (chars[i] !== '\n') chars[i] = ' ';
}

/**
 * C-like text (bpftrace, BPF C) with `//` and `/* *\/` comments and the contents of "..." and '...' literals
 * blanked, offsets unchanged. `hashLines` also blanks preprocessor lines (`#include`, `#define`).
 */
export function blankCLike(text: string, opts: { hashLines?: boolean } = {}): string {
  // UTF-16 code units, the offsets regular expressions report.
  const chars = text.split('');
  let i = 0;
  let lineStart = true;
  while (i < chars.length) {
    const c = chars[i]!;
    if (c === '\n') {
      lineStart = true;
      i++;
      continue;
    }
    if (lineStart && opts.hashLines && c === '#') {
      let j = i;
      // A preprocessor line continues over backslash-newlines.
      while (j < chars.length && !(chars[j] === '\n' && chars[j - 1] !== '\\')) j++;
      blank(chars, i, j);
      i = j;
      continue;
    }
    if (c !== ' ' && c !== '\t') lineStart = false;
    if (c === '/' && chars[i + 1] === '/') {
      let j = i;
      while (j < chars.length && chars[j] !== '\n') j++;
      blank(chars, i, j);
      i = j;
      continue;
    }
    if (c === '/' && chars[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const j = end < 0 ? chars.length : end + 2;
      blank(chars, i, j);
      i = j;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < chars.length && chars[j] !== c && chars[j] !== '\n') j += chars[j] === '\\' ? 2 : 1;
      blank(chars, i + 1, Math.min(j, chars.length));
      i = j + 1;
      continue;
    }
    i++;
  }
  return chars.join('');
}

/** The offset of the `}` closing the `{` at `open`, or -1 when the text ends first. */
export function matchBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return i;
  }
  return -1;
}

/** The tool's name: the file's base name. */
export function baseName(file: string): string {
  const i = file.replace(/\\/g, '/').lastIndexOf('/');
  return i < 0 ? file : file.slice(i + 1);
}
