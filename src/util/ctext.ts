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
  // Char codes and a switch: this loop runs over every character of every trace header and print argument.
  const stack: number[] = [];
  const n = s.length;
  let i = start;
  while (i < n) {
    const c = s.charCodeAt(i);
    switch (c) {
      case QUOTE:
      case APOSTROPHE:
        i = skipQuoted(s, i);
        continue;
      case SLASH: {
        const d = s.charCodeAt(i + 1);
        if (d === STAR || d === SLASH) {
          i = skipComment(s, i);
          continue;
        }
        break;
      }
      case OPEN_PAREN:
      case OPEN_SQUARE:
      case OPEN_BRACE:
        if (visit(i, s[i]!, stack.length)) return i;
        stack.push(closerOf(c));
        i++;
        continue;
      case CLOSE_PAREN:
      case CLOSE_SQUARE:
      case CLOSE_BRACE: {
        const want = stack.pop();
        if (want === undefined) {
          if (visit(i, s[i]!, -1)) return i;
          throw new CTextError(`unbalanced '${s[i]}'`, i);
        }
        if (want !== c) throw new CTextError(`'${s[i]}' where '${String.fromCharCode(want)}' was expected`, i);
        if (visit(i, s[i]!, stack.length)) return i;
        i++;
        continue;
      }
    }
    if (visit(i, s[i]!, stack.length)) return i;
    i++;
  }
  if (stack.length > 0) throw new CTextError(`missing '${String.fromCharCode(stack[stack.length - 1]!)}'`, n);
  return n;
}

const [QUOTE, APOSTROPHE, SLASH, STAR] = [34, 39, 47, 42];
const [OPEN_PAREN, OPEN_SQUARE, OPEN_BRACE, CLOSE_PAREN, CLOSE_SQUARE, CLOSE_BRACE] = [40, 91, 123, 41, 93, 125];
const closerOf = (open: number): number => (open === OPEN_PAREN ? CLOSE_PAREN : open === OPEN_SQUARE ? CLOSE_SQUARE : CLOSE_BRACE);
/** The characters matchingBracket stops at: quotes, comment starts, brackets. */
const BRACKET_STOP = /["'/()[\]{}]/g;

/**
 * Index of the bracket that closes the one at `open`. The same answers and errors as scanning with
 * scanTopLevel, but it jumps from one quote, slash or bracket to the next (it is called for every macro call).
 */
export function matchingBracket(s: string, open: number): number {
  const closer = CLOSE[OPEN.indexOf(s[open] ?? '')];
  if (closer === undefined) throw new CTextError(`no bracket at offset ${open}`, open);
  const closerCode = closer.charCodeAt(0);
  const stack: number[] = [];
  let i = open + 1;
  for (;;) {
    BRACKET_STOP.lastIndex = i;
    const m = BRACKET_STOP.exec(s);
    if (!m) break;
    i = m.index;
    const c = s.charCodeAt(i);
    if (c === QUOTE || c === APOSTROPHE) {
      i = skipQuoted(s, i);
      continue;
    }
    if (c === SLASH) {
      const d = s.charCodeAt(i + 1);
      i = d === STAR || d === SLASH ? skipComment(s, i) : i + 1;
      continue;
    }
    if (c === OPEN_PAREN || c === OPEN_SQUARE || c === OPEN_BRACE) {
      stack.push(closerOf(c));
      i++;
      continue;
    }
    const want = stack.pop();
    if (want === undefined) {
      if (c === closerCode) return i;
      throw new CTextError(`'${s[i]}' where '${closer}' was expected`, i);
    }
    if (want !== c) throw new CTextError(`'${s[i]}' where '${String.fromCharCode(want)}' was expected`, i);
    i++;
  }
  if (stack.length > 0) throw new CTextError(`missing '${String.fromCharCode(stack[stack.length - 1]!)}'`, s.length);
  throw new CTextError(`missing '${closer}'`, open);
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
      // Lines are spliced before comments are removed (C's translation phases 2 and 3): a comment inside a
      // multi-line #define keeps the backslashes that continue the directive past it.
      out += ' ' + s.slice(i, end).replace(/\\(?=\r?\n)|[^\n]/g, (c) => (c === '\\' ? c : ''));
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
