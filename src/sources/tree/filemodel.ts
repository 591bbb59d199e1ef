/**
 * One trace header read with tree-sitter-c: its preprocessor structure (macro definitions, #undef,
 * #include, conditional branches with their condition text) and its text with comments removed and
 * directive lines blanked, ready for the structural reading of top-level macro invocations.
 *
 * tree-sitter cannot parse the arguments of TRACE_EVENT(...) (they are not C, it yields ERROR nodes
 * there, which is expected); it is used for what it reads reliably: the directives and their nesting.
 */
import { type SyntaxNode, parseC } from './c-parser.js';
import { CTextError, stripComments } from '../../util/ctext.js';
import { lineAt } from '../../util/lines.js';

export { lineAt };

/** One branch of a conditional: `id` names the #if group, `index` the branch within it. */
export interface BranchRef {
  id: number;
  index: number;
}

export interface BranchRange extends BranchRef {
  start: number;
  end: number;
  /** The condition under which this branch's text is compiled; undefined for include guards. */
  cond?: string;
}

export type Directive =
  | { kind: 'define'; pos: number; line: number; name: string; params?: string[]; variadic?: string; body: string }
  | { kind: 'undef'; pos: number; line: number; name: string }
  | { kind: 'include'; pos: number; line: number; path: string; relative: boolean };

export interface FileModel {
  file: string;
  /** Comments stripped, directive lines blanked (same length and lines as the stripped text). */
  text: string;
  lineStarts: number[];
  directives: Directive[];
  branches: BranchRange[];
  problems: { line?: number; message: string }[];
}

export function lineStartsOf(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}


const ws = (s: string): string => s.replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim();

/** `#ifndef _FOO_H`, `#if !defined(_TRACE_X_H) || defined(TRACE_HEADER_MULTI_READ)`: guards, not conditions. */
function isGuard(cond: string): boolean {
  if (cond.includes('TRACE_HEADER_MULTI_READ')) return true;
  return /^!\s*defined\s*\(?\s*_*[A-Za-z0-9_]*_H_*[0-9]*\s*\)?$/.test(cond);
}

/** Lines of `s` from `start` to the end of the logical line (with its continuations): [start, end). */
function logicalLineEnd(s: string, start: number): number {
  let line = start;
  let end = s.indexOf('\n', start);
  if (end < 0) return s.length;
  while (end < s.length && /\\\s*$/.test(s.slice(line, end))) {
    line = end + 1;
    const next = s.indexOf('\n', line);
    end = next < 0 ? s.length : next;
  }
  return end;
}

/** The directive lines of `s`, each with its continuations: where the line starts, where its '#' is, where it ends. */
function directiveLines(s: string): { line: number; hash: number; end: number }[] {
  const out: { line: number; hash: number; end: number }[] = [];
  let i = 0;
  while (i < s.length) {
    let j = i;
    while (j < s.length && (s[j] === ' ' || s[j] === '\t')) j++;
    const nl = s.indexOf('\n', i);
    const end = s[j] === '#' ? logicalLineEnd(s, i) : nl < 0 ? s.length : nl;
    if (s[j] === '#') out.push({ line: i, hash: j, end });
    i = end + 1;
  }
  return out;
}

/** Every character but newlines as a space: the same length and lines. */
const blank = (t: string): string => t.replace(/[^\n]/g, ' ');

/** Keeps only the preprocessor directive lines (with their continuations); everything else is blanked. */
export function onlyDirectives(s: string): string {
  const parts: string[] = [];
  let at = 0;
  for (const d of directiveLines(s)) {
    parts.push(blank(s.slice(at, d.line)), s.slice(d.line, d.end));
    at = d.end;
  }
  parts.push(blank(s.slice(at)));
  return parts.join('');
}

/** Blanks preprocessor directive lines (with their continuations), keeping length and newlines. */
function blankDirectives(s: string): string {
  const parts: string[] = [];
  let at = 0;
  for (const d of directiveLines(s)) {
    parts.push(s.slice(at, d.hash), blank(s.slice(d.hash, d.end)));
    at = d.end;
  }
  parts.push(s.slice(at));
  // A stray line continuation outside a directive (inside a macro invocation) is just a space.
  return parts.join('').replace(/\\(?=\r?\n)/g, ' ');
}

/** A node's named children (none for no node). */
function namedChildren(node: SyntaxNode | null | undefined): SyntaxNode[] {
  return node ? node.namedChildren.filter((c): c is SyntaxNode => c !== null) : [];
}

/** Whether two nodes of one tree are the same node: each access makes a new node object, so `===` cannot tell. */
function same(a: SyntaxNode, b: SyntaxNode | null): boolean {
  return b !== null && a.id === b.id;
}

export function buildFileModel(file: string, raw: string): FileModel {
  const problems: FileModel['problems'] = [];
  let stripped: string;
  try {
    stripped = stripComments(raw);
  } catch (e) {
    if (!(e instanceof CTextError)) throw e;
    // An unterminated comment runs to the end of the file: C reads the rest as comment too.
    const at = e.offset;
    problems.push({ line: lineAt(lineStartsOf(raw), at), message: `${e.message}: the rest of the file is ignored` });
    stripped = stripComments(raw.slice(0, at)) + raw.slice(at).replace(/[^\n]/g, ' ');
  }
  const lineStarts = lineStartsOf(stripped);
  // tree-sitter reads only the directives: every other line is blanked (same offsets and lines). The code
  // between them is not C (TRACE_EVENT arguments) and only cost time: its error recovery is quadratic in
  // runs of errors (80,000 empty macro arguments took 15 s), and it parses faster without (see docs/bench.md).
  const directivesOnly = onlyDirectives(stripped);
  const tree = parseC(directivesOnly);
  const directives: Directive[] = [];
  const branches: BranchRange[] = [];
  let nextId = 0;

  const visit = (node: SyntaxNode): void => {
    switch (node.type) {
      case 'preproc_def':
      case 'preproc_function_def': {
        const name = node.childForFieldName('name')?.text;
        if (!name) break;
        const value = node.childForFieldName('value')?.text ?? '';
        const d: Directive = { kind: 'define', pos: node.startIndex, line: node.startPosition.row + 1, name, body: ws(value) };
        if (node.type === 'preproc_function_def') {
          const params: string[] = [];
          for (const p of namedChildren(node.childForFieldName('parameters'))) {
            if (p.type === 'identifier') params.push(p.text);
          }
          const ptext = node.childForFieldName('parameters')?.text ?? '';
          const va = /(\w*)\s*\.\.\.\s*\)$/.exec(ptext);
          if (va) {
            if (va[1]) params.pop();
            d.variadic = va[1] || '__VA_ARGS__';
          }
          d.params = params;
        }
        directives.push(d);
        return;
      }
      case 'preproc_call': {
        const dir = node.childForFieldName('directive')?.text;
        const arg = node.childForFieldName('argument')?.text.trim();
        if (dir === '#undef' && arg) directives.push({ kind: 'undef', pos: node.startIndex, line: node.startPosition.row + 1, name: arg });
        return;
      }
      case 'preproc_include': {
        const p = node.childForFieldName('path');
        if (p) {
          const relative = p.type === 'string_literal';
          directives.push({ kind: 'include', pos: node.startIndex, line: node.startPosition.row + 1, path: p.text.slice(1, -1), relative });
        }
        return;
      }
      case 'preproc_if':
      case 'preproc_ifdef': {
        const id = nextId++;
        let cond: string;
        if (node.type === 'preproc_if') cond = ws(node.childForFieldName('condition')?.text ?? '?');
        else {
          const neg = node.child(0)?.type === '#ifndef';
          const name = node.childForFieldName('name')?.text ?? '?';
          cond = neg ? `!defined(${name})` : `defined(${name})`;
        }
        const alt = node.childForFieldName('alternative');
        const thenEnd = alt ? alt.startIndex : node.endIndex;
        const r: BranchRange = { id, index: 0, start: node.startIndex, end: thenEnd };
        // `#ifndef X` + `#define X` is an include guard whatever X is called.
        const first = namedChildren(node).find((c) => !same(c, node.childForFieldName('name')) && c.type !== 'comment');
        const guard = node.type === 'preproc_ifdef' && node.child(0)?.type === '#ifndef' && first?.type === 'preproc_def' && first.childForFieldName('name')?.text === node.childForFieldName('name')?.text;
        if (!isGuard(cond) && !guard) r.cond = cond;
        branches.push(r);
        for (const c of namedChildren(node)) if (!same(c, alt) && !same(c, node.childForFieldName('condition'))) visit(c);
        let prev = [cond];
        let index = 1;
        let a = alt;
        while (a) {
          const next: SyntaxNode | null = a.type === 'preproc_else' ? null : a.childForFieldName('alternative');
          // The last branch runs to the #endif: with only directives parsed, an #else node ends after its own line.
          const end = next ? next.startIndex : node.endIndex;
          const negs = prev.map((c) => `!(${c})`).join(' && ');
          let bcond: string;
          if (a.type === 'preproc_else') bcond = negs;
          else if (a.type === 'preproc_elif') bcond = `${negs} && (${ws(a.childForFieldName('condition')?.text ?? '?')})`;
          else {
            const nm = a.childForFieldName('name')?.text ?? '?';
            bcond = `${negs} && ${a.child(0)?.type === '#elifndef' ? '!' : ''}defined(${nm})`;
          }
          const br: BranchRange = { id, index: index++, start: a.startIndex, end };
          if (!isGuard(cond)) br.cond = bcond;
          branches.push(br);
          for (const c of namedChildren(a)) if (!same(c, next) && !same(c, a.childForFieldName('condition'))) visit(c);
          if (a.type === 'preproc_elif') prev = [...prev, ws(a.childForFieldName('condition')?.text ?? '?')];
          a = next;
        }
        return;
      }
      default:
        // Every directive starts with '#': a subtree whose text holds none has nothing to visit. That is most
        // of a trace header (the arguments of TRACE_EVENT(...) are not C and parse into deep ERROR trees),
        // and walking it node by node cost more than the parse itself.
        if (!holdsHash(node)) return;
        for (const c of namedChildren(node)) visit(c);
    }
  };
  // Offsets are UTF-16 code units, as in `stripped` (web-tree-sitter parses the JavaScript string as UTF-16).
  const holdsHash = (node: SyntaxNode): boolean => {
    const k = stripped.indexOf('#', node.startIndex);
    return k >= 0 && k < node.endIndex;
  };
  try {
    visit(tree.rootNode);
  } finally {
    tree.delete();
  }
  directives.sort((a, b) => a.pos - b.pos);
  branches.sort((a, b) => a.start - b.start || a.id - b.id);
  return { file, text: blankDirectives(stripped), lineStarts, directives, branches, problems };
}

/** The branches enclosing `pos`, outermost first. */
export function branchesAt(model: FileModel, pos: number): BranchRange[] {
  return model.branches.filter((b) => b.start <= pos && pos < b.end);
}
