/**
 * Evaluates C integer constant expressions such as `32 + 1`, `(1 << 4) - 1` or `TASK_COMM_LEN`, as they
 * appear in array lengths. Identifiers are looked up through `resolve`; anything it cannot value
 * (sizeof of an unknown type, a cast, a function call) makes the whole expression unknown: never a guess.
 */

export type Resolver = (name: string) => bigint | undefined;

const MAX_TOKENS = 4096;

type Token = { kind: 'num'; value: bigint } | { kind: 'id'; name: string } | { kind: 'op'; op: string };

const OPS = ['<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '<', '>', '(', ')', '?', ':'];

function tokenize(s: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    if (out.length > MAX_TOKENS) return undefined;
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)/.exec(s.slice(i, i + 40));
    if (num && /[0-9]/.test(c)) {
      const text = num[1]!;
      const value = text.length > 1 && text[0] === '0' && !/[xX]/.test(text) ? BigInt('0o' + text.slice(1)) : BigInt(text);
      out.push({ kind: 'num', value });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i, i + 256));
    if (id) {
      out.push({ kind: 'id', name: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => s.startsWith(o, i));
    if (!op) return undefined;
    out.push({ kind: 'op', op });
    i += op.length;
  }
  return out;
}

const BINARY: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6,
  '<': 7, '>': 7, '<=': 7, '>=': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

class Unknown extends Error {}

export function evaluateConstant(expr: string, resolve: Resolver = () => undefined): bigint | undefined {
  const tokens = tokenize(expr);
  if (!tokens || tokens.length === 0) return undefined;
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isOp = (t: Token | undefined, op: string): boolean => t?.kind === 'op' && t.op === op;

  function primary(): bigint {
    const t = tokens![pos++];
    if (!t) throw new Unknown();
    if (t.kind === 'num') return t.value;
    if (t.kind === 'id') {
      const v = resolve(t.name);
      if (v === undefined) throw new Unknown();
      return v;
    }
    switch (t.op) {
      case '(': {
        const v = ternary();
        if (!isOp(tokens![pos++], ')')) throw new Unknown();
        return v;
      }
      case '-': return -primary();
      case '+': return primary();
      case '~': return ~primary();
      case '!': return primary() === 0n ? 1n : 0n;
      default: throw new Unknown();
    }
  }

  function binary(minPrec: number): bigint {
    let left = primary();
    for (;;) {
      const t = peek();
      if (t?.kind !== 'op') break;
      const prec = BINARY[t.op];
      if (prec === undefined || prec < minPrec) break;
      pos++;
      const right = binary(prec + 1);
      left = apply(t.op, left, right);
    }
    return left;
  }

  function ternary(): bigint {
    const cond = binary(1);
    if (!isOp(peek(), '?')) return cond;
    pos++;
    const a = ternary();
    if (!isOp(tokens![pos++], ':')) throw new Unknown();
    const b = ternary();
    return cond !== 0n ? a : b;
  }

  try {
    const v = ternary();
    return pos === tokens.length ? v : undefined;
  } catch (e) {
    if (e instanceof Unknown || e instanceof RangeError) return undefined;
    throw e;
  }
}

function apply(op: string, a: bigint, b: bigint): bigint {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': if (b === 0n) throw new Unknown(); return a / b;
    case '%': if (b === 0n) throw new Unknown(); return a % b;
    case '<<': if (b < 0n || b > 64n) throw new Unknown(); return a << b;
    case '>>': if (b < 0n || b > 64n) throw new Unknown(); return a >> b;
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
    case '==': return a === b ? 1n : 0n;
    case '!=': return a !== b ? 1n : 0n;
    case '<': return a < b ? 1n : 0n;
    case '>': return a > b ? 1n : 0n;
    case '<=': return a <= b ? 1n : 0n;
    case '>=': return a >= b ? 1n : 0n;
    case '&&': return a !== 0n && b !== 0n ? 1n : 0n;
    case '||': return a !== 0n || b !== 0n ? 1n : 0n;
    default: throw new Unknown();
  }
}

/** A small non-negative number, or undefined: for array lengths. */
export function evaluateLength(expr: string, resolve?: Resolver): number | undefined {
  const v = evaluateConstant(expr, resolve);
  if (v === undefined || v < 0n || v > 1n << 31n) return undefined;
  return Number(v);
}
