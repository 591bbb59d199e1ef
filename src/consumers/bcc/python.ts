/**
 * Just enough of Python for bcc tools: the string literals (where the BPF C text lives) with their offsets
 * and the variable each is assigned to, and the `if`/`elif`/`else` blocks a line sits in (how a tool guards
 * the C text it adds: `if BPF.tracepoint_exists(...): bpf_text += ...`).
 */

export interface PyString {
  /** Offset of the first character inside the quotes. */
  start: number;
  end: number;
  text: string;
  /** 1-based line of the statement the literal belongs to (its opening quote's line). */
  line: number;
  /** `NAME = """..."""` / `NAME += """..."""`: NAME. */
  target?: string;
}

export interface PyLines {
  strings: PyString[];
  /** Python source with string contents and comments blanked (offsets kept). */
  code: string;
  /** Per 1-based line: true when the line starts inside a multi-line string (not a statement line). */
  inString: boolean[];
  lines: string[];
  /** The source lines, for quoting a condition as written. */
  source: string[];
}

/** A triple-quoted string that never closes: the file cannot be read (its C text has no end). */
export class UnterminatedString extends Error {
  constructor(readonly line: number) {
    super('a triple-quoted string that is never closed');
  }
}

export function scanPython(src: string): PyLines {
  const strings: PyString[] = [];
  const code = src.split('');
  let line = 1;
  const inString: boolean[] = [false, false];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === '\n') {
      line++;
      inString[line] = false;
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && src[i] !== '\n') code[i++] = ' ';
      continue;
    }
    if (c === '"' || c === "'") {
      let p = i;
      while (p > 0 && /[rRbBuUfF]/.test(src[p - 1]!)) p--;
      const raw = /[rR]/.test(src.slice(p, i));
      const triple = src.startsWith(c.repeat(3), i);
      const q = triple ? c.repeat(3) : c;
      const start = i + q.length;
      let j = start;
      while (j < n && !src.startsWith(q, j)) {
        if (!triple && src[j] === '\n') break;
        if (src[j] === '\\' && !raw) j++;
        else if (src[j] === '\\' && raw) j++;
        j++;
      }
      if (j >= n && triple) throw new UnterminatedString(line);
      const end = Math.min(j, n);
      const lineStart = src.lastIndexOf('\n', p - 1) + 1;
      const before = src.slice(lineStart, p);
      const assign = /^\s*([A-Za-z_][\w.]*)\s*\+?=\s*\(?\s*$/.exec(before);
      const s: PyString = { start, end, text: src.slice(start, end), line };
      if (assign) s.target = assign[1]!;
      strings.push(s);
      for (let k = start; k < end; k++) {
        if (src[k] === '\n') {
          line++;
          inString[line] = true;
        } else code[k] = ' ';
      }
      i = end + q.length;
      continue;
    }
    i++;
  }
  return { strings, code: code.join(''), inString, lines: code.join('').split('\n'), source: src.split('\n') };
}

const indentOf = (s: string): number => s.length - s.trimStart().length;

/**
 * The conditions of the blocks enclosing 1-based `line`, innermost first; an `else`/`elif` branch is
 * written with the conditions it excludes (`not (...)`).
 */
export function enclosingConditions(py: PyLines, line: number): string[] {
  const out: string[] = [];
  let indent = indentOf(py.lines[line - 1] ?? '');
  for (let l = line - 1; l >= 1 && indent > 0; l--) {
    if (py.inString[l]) continue;
    const text = py.lines[l - 1]!;
    if (text.trim() === '') continue;
    const ind = indentOf(text);
    if (ind >= indent) continue;
    indent = ind;
    const t = text.trim();
    const head = /^(if|elif|else|while|for|with|def|class|try|except|finally)\b\s*(.*?):?\s*$/.exec(t);
    if (!head) continue;
    const cond = (at: number): string => /^\s*(?:if|elif|while)\b\s*(.*?):?\s*$/.exec(py.source[at - 1]!)?.[1] ?? '';
    if (head[1] === 'if' || head[1] === 'while') out.push(cond(l));
    else if (head[1] === 'elif' || head[1] === 'else') {
      if (head[1] === 'elif') out.push(cond(l));
      // The branches before it at the same indent, up to the `if`.
      for (let k = l - 1; k >= 1; k--) {
        if (py.inString[k]) continue;
        const s = py.lines[k - 1]!;
        if (s.trim() === '' || indentOf(s) > ind) continue;
        if (indentOf(s) < ind) break;
        const m = /^(if|elif)\b\s*(.*?):?\s*$/.exec(s.trim());
        if (m) {
          out.push(`not (${cond(k)})`);
          if (m[1] === 'if') break;
        }
      }
    }
  }
  return out;
}
