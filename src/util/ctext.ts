/**
 * Structural reading of C-ish text that is not valid C: macro arguments, print arguments. Knows about
 * string and character literals, comments and the three kinds of brackets, and nothing else.
 */

const OPEN = '([{';
const CLOSE = ')]}';

/** Raised when brackets, strings or comments do not close; `offset` is where the trouble starts. */
export class CTextError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'CTextError';
  }
}

/** Index just past a string or char literal that starts at `i` (s[i] is the quote). */
export function skipQuoted(s: string, i: number): number {
  const quote = s[i];
  let j = i + 1;
  while (j < s.length) {
    const c = s[j];
    if (c === '\\') j += 2;
    else if (c === quote) return j + 1;
    else if (c === '\n' && quote === "'") break;
    else j++;
  }
  throw new CTextError(`unterminated ${quote === '"' ? 'string' : 'character'} literal`, i);
}

/** Index just past a comment that starts at `i` (s[i..i+1] is `/*` or `//`). */
export function skipComment(s: string, i: number): number {
  if (s[i + 1] === '/') {
    const end = s.indexOf('\n', i + 2);
    return end < 0 ? s.length : end + 1;
  }
  const end = s.indexOf('*/', i + 2);
  if (end < 0) throw new CTextError('unterminated comment', i);
  return end + 2;
}

/**
 * Walks `s` from `start`, calling `visit(i, char, depth)` for every character outside literals and
 * comments. Returns early when `visit` returns true. Throws CTextError on unbalanced text.
 */
export function scanTopLevel(
  s: string,
  start: number,
  visit: (i: number, c: string, depth: number) => boolean | void,
): number {
  const stack: string[] = [];
  let i = start;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"' || c === "'") {
      i = skipQuoted(s, i);
      continue;
    }
    if (c === '/' && (s[i + 1] === '*' || s[i + 1] === '/')) {
      i = skipComment(s, i);
      continue;
    }
    const o = OPEN.indexOf(c);
    if (o >= 0) {
      if (visit(i, c, stack.length)) return i;
      stack.push(CLOSE[o]!);
      i++;
      continue;
    }
    if (CLOSE.includes(c)) {
      const want = stack.pop();
      if (want === undefined) {
        if (visit(i, c, -1)) return i;
        throw new CTextError(`unbalanced '${c}'`, i);
      }
      if (want !== c) throw new CTextError(`'${c}' where '${want}' was expected`, i);
      if (visit(i, c, stack.length)) return i;
      i++;
      continue;
    }
    if (visit(i, c, stack.length)) return i;
    i++;
  }
  if (stack.length > 0) throw new CTextError(`missing '${stack[stack.length - 1]}'`, s.length);
  return s.length;
}

/** Index of the bracket that closes the one at `open`. */
export function matchingBracket(s: string, open: number): number {
  const closer = CLOSE[OPEN.indexOf(s[open] ?? '')];
  if (closer === undefined) throw new CTextError(`no bracket at offset ${open}`, open);
  let found = -1;
  scanTopLevel(s, open + 1, (i, c, depth) => {
    if (depth === -1 && c === closer) {
      found = i;
      return true;
    }
    if (depth === -1) throw new CTextError(`'${c}' where '${closer}' was expected`, i);
    return false;
  });
  if (found < 0) throw new CTextError(`missing '${closer}'`, open);
  return found;
}

/** Splits at top-level separators, trimming each piece; an empty input gives no pieces. */
export function splitTopLevel(s: string, sep = ','): string[] {
  const parts: string[] = [];
  let from = 0;
  scanTopLevel(s, 0, (i, c, depth) => {
    if (depth === 0 && c === sep) {
      parts.push(s.slice(from, i).trim());
      from = i + 1;
    }
  });
  const last = s.slice(from).trim();
  if (parts.length > 0 || last !== '') parts.push(last);
  return parts;
}

/**
 * Reads one or more adjacent string literals (`"a" "b"`) starting at the first non-space at or after `i`.
 * Returns the concatenated contents (escapes kept as written) and the index after the last literal,
 * or undefined when no literal starts there.
 */
export function readStringLiterals(s: string, i: number): { text: string; end: number } | undefined {
  let j = skipSpace(s, i);
  if (s[j] !== '"') return undefined;
  let text = '';
  while (s[j] === '"') {
    const end = skipQuoted(s, j);
    text += s.slice(j + 1, end - 1);
    j = skipSpace(s, end);
  }
  return { text, end: j };
}

export function skipSpace(s: string, i: number): number {
  while (i < s.length && /\s/.test(s[i]!)) i++;
  return i;
}

/** Strips comments, keeping newlines so that line numbers survive. */
export function stripComments(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"' || c === "'") {
      let end: number;
      try {
        end = skipQuoted(s, i);
      } catch {
        end = s.indexOf('\n', i);
        if (end < 0) end = s.length;
      }
      out += s.slice(i, end);
      i = end;
    } else if (c === '/' && (s[i + 1] === '*' || s[i + 1] === '/')) {
      const end = skipComment(s, i);
      out += ' ' + s.slice(i, end).replace(/[^\n]/g, '');
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
