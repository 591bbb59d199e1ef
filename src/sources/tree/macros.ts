/**
 * Expansion of the local helper macros a trace header defines (function-like and object-like, with `#`
 * and `##`, variadic arguments and GNU `, ## __VA_ARGS__`). Text in, text out; a macro is not expanded
 * inside its own expansion, and depth and size are capped so that hostile input cannot hang a run.
 */
import { matchingBracket, skipQuoted, splitTopLevel } from '../../util/ctext.js';

export interface MacroDef {
  name: string;
  /** Absent for object-like macros. */
  params?: string[];
  /** The name of the variadic parameter (`__VA_ARGS__` or the GNU `args...` name). */
  variadic?: string;
  body: string;
}

export type MacroLookup = (name: string) => MacroDef | undefined;

export class ExpansionLimit extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpansionLimit';
  }
}

const MAX_DEPTH = 64;
const MAX_OUTPUT = 2 << 20;
const MAX_STEPS = 200_000;

interface Budget {
  steps: number;
}

const IDENT_START = /[A-Za-z_]/;
const IDENT = /[A-Za-z0-9_]/;

/** Expands every macro `lookup` knows in `text`. Throws ExpansionLimit when a cap is hit. */
export function expandMacros(text: string, lookup: MacroLookup): string {
  return expand(text, lookup, new Set(), 0, { steps: 0 });
}

function expand(text: string, lookup: MacroLookup, disabled: Set<string>, depth: number, budget: Budget): string {
  if (depth > MAX_DEPTH) throw new ExpansionLimit(`macro expansion deeper than ${MAX_DEPTH} levels (recursive macro?)`);
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      let end: number;
      try {
        end = skipQuoted(text, i);
      } catch {
        end = text.length;
      }
      out += text.slice(i, end);
      i = end;
      continue;
    }
    if (!IDENT_START.test(c) || (i > 0 && IDENT.test(text[i - 1]!))) {
      // Numbers such as 0x1f: copy the whole token so that `x1f` is never taken for a name.
      if (/[0-9]/.test(c)) {
        let j = i + 1;
        while (j < text.length && IDENT.test(text[j]!)) j++;
        out += text.slice(i, j);
        i = j;
        continue;
      }
      out += c;
      i++;
      continue;
    }
    let j = i + 1;
    while (j < text.length && IDENT.test(text[j]!)) j++;
    const name = text.slice(i, j);
    const def = disabled.has(name) ? undefined : lookup(name);
    if (!def) {
      out += name;
      i = j;
      continue;
    }
    if (++budget.steps > MAX_STEPS) throw new ExpansionLimit(`more than ${MAX_STEPS} macro expansions`);
    const inner = new Set(disabled).add(name);
    if (!def.params) {
      out += expand(def.body, lookup, inner, depth + 1, budget);
      i = j;
    } else {
      let k = j;
      while (k < text.length && /\s/.test(text[k]!)) k++;
      if (text[k] !== '(') {
        out += name;
        i = j;
        continue;
      }
      const close = matchingBracket(text, k);
      const args = splitArgs(text.slice(k + 1, close));
      const subst = substitute(def, args, (a) => expand(a, lookup, disabled, depth + 1, budget));
      // Keep the line count of the invocation so that later line numbers stay right.
      const lines = (text.slice(i, close + 1).match(/\n/g) ?? []).length;
      out += expand(subst, lookup, inner, depth + 1, budget) + '\n'.repeat(lines);
      i = close + 1;
    }
    if (out.length > MAX_OUTPUT) throw new ExpansionLimit(`macro expansion larger than ${MAX_OUTPUT} characters`);
  }
  return out;
}

function splitArgs(s: string): string[] {
  if (s.trim() === '') return [''];
  // splitTopLevel drops a trailing empty piece only when the whole text is empty.
  return splitTopLevel(s);
}

type Tok = { t: 'id' | 'str' | 'hash' | 'paste' | 'ws' | 'other'; v: string };

function tokenize(body: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === '"' || c === "'") {
      let end: number;
      try {
        end = skipQuoted(body, i);
      } catch {
        end = body.length;
      }
      toks.push({ t: 'str', v: body.slice(i, end) });
      i = end;
    } else if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < body.length && IDENT.test(body[j]!)) j++;
      toks.push({ t: 'id', v: body.slice(i, j) });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < body.length && /[A-Za-z0-9_.]/.test(body[j]!)) j++;
      toks.push({ t: 'other', v: body.slice(i, j) });
      i = j;
    } else if (c === '#' && body[i + 1] === '#') {
      toks.push({ t: 'paste', v: '##' });
      i += 2;
    } else if (c === '#') {
      toks.push({ t: 'hash', v: '#' });
      i++;
    } else if (/\s/.test(c)) {
      let j = i + 1;
      while (j < body.length && /\s/.test(body[j]!)) j++;
      toks.push({ t: 'ws', v: ' ' });
      i = j;
    } else {
      toks.push({ t: 'other', v: c });
      i++;
    }
  }
  return toks;
}

function stringify(arg: string): string {
  return '"' + arg.replace(/\s+/g, ' ').trim().replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/** Replaces parameters in the body: `#p` stringified, operands of `##` raw, others pre-expanded. */
function substitute(def: MacroDef, args: string[], expandArg: (a: string) => string): string {
  const params = def.params ?? [];
  const values = new Map<string, string>();
  params.forEach((p, i) => values.set(p, (args[i] ?? '').trim()));
  if (def.variadic) {
    const rest = args.slice(params.length);
    values.set(def.variadic, rest.map((a) => a.trim()).join(', '));
  }
  const toks = tokenize(def.body);
  const neighbour = (i: number, dir: 1 | -1): Tok | undefined => {
    for (let k = i + dir; k >= 0 && k < toks.length; k += dir) if (toks[k]!.t !== 'ws') return toks[k];
    return undefined;
  };
  const pieces: Tok[] = [];
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i]!;
    if (tok.t === 'hash') {
      let k = i + 1;
      while (toks[k]?.t === 'ws') k++;
      const p = toks[k];
      if (p?.t === 'id' && values.has(p.v)) {
        pieces.push({ t: 'str', v: stringify(values.get(p.v)!) });
        i = k;
        continue;
      }
      pieces.push(tok);
      continue;
    }
    if (tok.t === 'id' && values.has(tok.v)) {
      const raw = values.get(tok.v)!;
      const pasted = neighbour(i, -1)?.t === 'paste' || neighbour(i, 1)?.t === 'paste';
      pieces.push({ t: 'other', v: pasted ? raw : expandArg(raw) });
      continue;
    }
    pieces.push(tok);
  }
  // Resolve `##`: glue the neighbours, dropping whitespace around it; `, ## <empty>` drops the comma.
  let out = '';
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (p.t === 'paste') {
      out = out.replace(/\s+$/, '');
      let k = i + 1;
      while (pieces[k]?.t === 'ws') k++;
      const next = pieces[k];
      if (next && next.v === '' && out.endsWith(',')) out = out.slice(0, -1);
      if (next) out += next.v;
      i = k;
      continue;
    }
    out += p.v;
  }
  return out;
}
