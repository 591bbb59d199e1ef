/**
 * What a BPF program does with its context, found by abstract interpretation of its instructions (and of the
 * subprograms it calls, per call site): which context offsets it loads (`ctx[i]` of raw_tp/tp_btf, record
 * offsets of tracefs programs), which CO-RE relocated instructions it reaches, and for each of them the
 * kernel versions (`LINUX_KERNEL_VERSION` compares) and the `bpf_core_*_exists` results on the way there.
 *
 * The values tracked are few: the context pointer (and constant offsets from it), values loaded from it, the
 * address and value of the `.kconfig` extern LINUX_KERNEL_VERSION, constants (with the CO-RE relocation that
 * patches them, if any), and frame-pointer offsets (so that spills to the stack and reloads are followed).
 * States are joined where paths meet; the result is a sound over-approximation of where each thing happens.
 */
import {
  ALU_ADD,
  ALU_MOV,
  ALU_SUB,
  CLS_ALU,
  CLS_ALU64,
  CLS_JMP,
  CLS_JMP32,
  CLS_LD,
  CLS_LDX,
  CLS_ST,
  CLS_STX,
  INSN_SIZE,
  type Insn,
  JMP_CALL,
  JMP_EXIT,
  JMP_JA,
  PSEUDO_CALL,
  R10,
  accessSize,
  aluOp,
  insnClass,
  isMemAccess,
  jumpCond,
  negateCond,
  type JumpCond,
  usesSrcReg,
} from './insn.js';
import { type CodeInterval, FULL, hull, intersect, MAX_VERSION_CODE } from './gate.js';
import { type BpfObject, type CodeSection, callTarget, functionAt } from './object.js';

export type Val =
  | { k: 'u' }
  | { k: 'ctx'; off: number }
  /** The context plus an offset not known here. */
  | { k: 'ctxvar' }
  | { k: 'loaded'; off: number }
  | { k: 'kverAddr' }
  | { k: 'kver' }
  /** `relo`: an existence test's result (`section:insn`); `core`: any CO-RE relocation patches it (a field offset). */
  | { k: 'const'; v: number; relo?: string; core?: string }
  | { k: 'fp'; off: number };

const U: Val = { k: 'u' };

function valKey(v: Val): string {
  switch (v.k) {
    case 'u':
      return 'u';
    case 'ctx':
      return `c${v.off}`;
    case 'ctxvar':
      return 'cv';
    case 'loaded':
      return `l${v.off}`;
    case 'kverAddr':
      return 'KA';
    case 'kver':
      return 'K';
    case 'const':
      return `#${v.v}${v.relo ? `?${v.relo}` : ''}${v.core ? `~${v.core}` : ''}`;
    case 'fp':
      return `f${v.off}`;
  }
}

interface State {
  regs: Val[];
  stack: Map<number, Val>;
  iv: CodeInterval;
  /** CO-RE existence tests on every path here: `section:insn` where it held, `!section:insn` where it did not. */
  guards: Set<string>;
}

function stateKey(s: State): string {
  const st = [...s.stack].sort((a, b) => a[0] - b[0]).map(([o, v]) => `${o}=${valKey(v)}`);
  return `${s.regs.map(valKey).join(',')}|${st.join(',')}|${s.iv.lo}-${s.iv.hi}|${[...s.guards].sort().join(',')}`;
}

function cloneState(s: State): State {
  return { regs: [...s.regs], stack: new Map(s.stack), iv: { ...s.iv }, guards: new Set(s.guards) };
}

function joinState(a: State, b: State): State {
  const regs = a.regs.map((v, i) => (valKey(v) === valKey(b.regs[i]!) ? v : U));
  const stack = new Map<number, Val>();
  for (const [o, v] of a.stack) {
    const w = b.stack.get(o);
    if (w && valKey(w) === valKey(v)) stack.set(o, v);
  }
  return { regs, stack, iv: hull(a.iv, b.iv), guards: new Set([...a.guards].filter((g) => b.guards.has(g))) };
}

/** Something the program does at an instruction, with the versions and guards that reach it. */
export interface Observation {
  cs: CodeSection;
  index: number;
  iv: CodeInterval;
  guards: Set<string>;
  /** A load from the context: byte offset and size. */
  ctxLoad?: { off: number; size: number };
  /** A CO-RE relocated instruction. */
  relo?: true;
  /** A context-loaded value used as the base of a CO-RE relocated access: the relocation names its type. */
  typedBy?: { off: number; relo: string };
  /** A context-loaded value passed to a subprogram: that function's parameter type id for it. */
  argParam?: { off: number; funcName: string; param: number };
}

export interface FlowResult {
  observations: Observation[];
  problems: string[];
}

const MAX_DEPTH = 8;
const MAX_STEPS = 200_000;

interface Ctx {
  obj: BpfObject;
  obs: Map<string, Observation>;
  problems: Set<string>;
  steps: number;
  kconfigSymbols: Set<string>;
}

/** Analyses one program: the function starting at `start` in section `cs`, r1 the context. */
export function analyzeProgram(obj: BpfObject, cs: CodeSection, start: number): FlowResult {
  const ctx: Ctx = { obj, obs: new Map(), problems: new Set(), steps: 0, kconfigSymbols: new Set(['LINUX_KERNEL_VERSION']) };
  const regs: Val[] = Array.from({ length: 11 }, () => U);
  regs[1] = { k: 'ctx', off: 0 };
  regs[R10] = { k: 'fp', off: 0 };
  runFunction(ctx, cs, start, { regs, stack: new Map(), iv: FULL, guards: new Set() }, 'p', 0);
  const observations = [...ctx.obs.values()];
  return { observations, problems: [...ctx.problems] };
}

function isExistsRelo(cs: CodeSection, index: number): boolean {
  const r = cs.coreRelos.get(index);
  return !!r && (r.kind === 'field_exists' || r.kind === 'type_exists' || r.kind === 'enumval_exists' || r.kind === 'type_matches');
}

function runFunction(ctx: Ctx, cs: CodeSection, start: number, entry: State, path: string, depth: number): void {
  const fn = functionAt(cs, start);
  const end = fn ? fn.end : cs.insns.length > 0 ? cs.insns[cs.insns.length - 1]!.index + 1 : start;
  // Observations of an earlier analysis of this call path came from a smaller entry state: replace them.
  for (const k of [...ctx.obs.keys()]) if (k.startsWith(`${path}@`) || k.startsWith(`${path}/`)) ctx.obs.delete(k);
  // One state per instruction and kernel-version interval: paths the program chose by version are never
  // joined (bitesize computes `ctx + 8 * (version < 5.11)`, which a join would turn into an unknown offset).
  const states = new Map<string, State>();
  const keys = new Map<string, string>();
  const work: { idx: number; slot: string }[] = [];
  const push = (idx: number, s: State) => {
    if (idx < start || idx >= end) {
      ctx.problems.add(`jump out of ${fn?.name ?? cs.section.name} to instruction ${idx}`);
      return;
    }
    const slot = `${idx}#${s.iv.lo}-${s.iv.hi}`;
    const old = states.get(slot);
    const next = old ? joinState(old, s) : s;
    const key = stateKey(next);
    if (keys.get(slot) === key) return;
    states.set(slot, next);
    keys.set(slot, key);
    work.push({ idx, slot });
  };
  push(start, entry);
  while (work.length > 0) {
    if (++ctx.steps > MAX_STEPS) {
      ctx.problems.add(`analysis stopped after ${MAX_STEPS} steps: later reads may be missing`);
      return;
    }
    // Lowest index first: forward code converges in one pass.
    work.sort((a, b) => b.idx - a.idx);
    const { idx, slot } = work.pop()!;
    const insn = cs.at.get(idx);
    const s = states.get(slot);
    if (!insn || !s) {
      ctx.problems.add(`${cs.section.name}: no instruction at ${idx}`);
      continue;
    }
    const ivTag = `#${s.iv.lo}-${s.iv.hi}`;
    if (insn.dst > R10 || insn.src > R10) {
      ctx.problems.add(`${cs.section.name} instruction ${idx}: register r${Math.max(insn.dst, insn.src)} does not exist: this path is not followed`);
      continue;
    }
    const out = cloneState(s);
    const observe = (o: Omit<Observation, 'cs' | 'index' | 'iv' | 'guards'>, tag = '') => {
      ctx.obs.set(`${path}@${cs.section.index}:${idx}${tag}${ivTag}`, { cs, index: idx, iv: { ...s.iv }, guards: new Set(s.guards), ...o });
    };
    if (cs.coreRelos.has(idx)) observe({ relo: true }, 'r');
    const next = idx + insn.slots;
    const cls = insnClass(insn);
    const r = out.regs;
    switch (cls) {
      case CLS_LD: {
        if (insn.code === 0x18) {
          const rel = cs.relocs.get(idx);
          const name = rel?.symbol?.name;
          if (name && ctx.kconfigSymbols.has(name)) r[insn.dst] = { k: 'kverAddr' };
          else if (!rel && insn.src === 0 && insn.imm64Hi === 0) r[insn.dst] = { k: 'const', v: insn.imm >>> 0 };
          else r[insn.dst] = U;
        } else r[0] = U; // legacy packet loads
        push(next, out);
        break;
      }
      case CLS_LDX: {
        const base = r[insn.src]!;
        const size = accessSize(insn);
        let v: Val = U;
        if (isMemAccess(insn)) {
          if (base.k === 'loaded' && cs.coreRelos.has(idx)) observe({ typedBy: { off: base.off, relo: `${cs.section.index}:${idx}` } }, 't');
          if (base.k === 'ctx') {
            const off = base.off + insn.off;
            observe({ ctxLoad: { off, size } }, 'l');
            v = { k: 'loaded', off };
          } else if (base.k === 'ctxvar') {
            ctx.problems.add(`${cs.section.name} instruction ${idx}: a context read at an offset computed at run time: not read`);
          } else if (base.k === 'kverAddr') v = { k: 'kver' };
          else if (base.k === 'fp' && size === 8) v = out.stack.get(base.off + insn.off) ?? U;
        }
        r[insn.dst] = v;
        push(next, out);
        break;
      }
      case CLS_ST:
      case CLS_STX: {
        const base = r[insn.dst]!;
        if (base.k === 'fp' && isMemAccess(insn)) {
          const off = base.off + insn.off;
          const size = accessSize(insn);
          // A narrower store clobbers the slots it touches.
          for (const o of [...out.stack.keys()]) if (o < off + size && o + 8 > off) out.stack.delete(o);
          if (size === 8) out.stack.set(off, cls === CLS_STX ? r[insn.src]! : { k: 'const', v: insn.imm });
        }
        push(next, out);
        break;
      }
      case CLS_ALU:
      case CLS_ALU64:
        if (cls === CLS_ALU64 && aluOp(insn) === ALU_ADD && usesSrcReg(insn)) {
          // `rq + <relocated offset>` (BPF_CORE_READ's address): the relocation's root type is the argument's.
          const [x, y] = [r[insn.dst]!, r[insn.src]!];
          const loaded = x.k === 'loaded' ? x : y.k === 'loaded' ? y : undefined;
          const off = x.k === 'const' && x.core ? x.core : y.k === 'const' && y.core ? y.core : undefined;
          if (loaded && loaded.k === 'loaded' && off) observe({ typedBy: { off: loaded.off, relo: off } }, 't');
        }
        r[insn.dst] = alu(insn, r, cls === CLS_ALU64, cs.coreRelos.has(idx) ? `${cs.section.index}:${idx}` : undefined, isExistsRelo(cs, idx));
        push(next, out);
        break;
      case CLS_JMP:
      case CLS_JMP32: {
        const op = insn.code & 0xf0;
        if (cls === CLS_JMP && op === JMP_EXIT) break;
        if (cls === CLS_JMP && op === JMP_CALL) {
          if (insn.src === PSEUDO_CALL) call(ctx, cs, insn, out, `${path}/${cs.section.index}:${idx}${ivTag}`, depth, observe);
          for (let k = 0; k <= 5; k++) r[k] = U;
          push(next, out);
          break;
        }
        if (op === JMP_JA) {
          push(next + (cls === CLS_JMP32 ? insn.imm : insn.off), out);
          break;
        }
        const cond = jumpCond(insn);
        const target = next + insn.off;
        if (!cond) {
          push(target, out);
          push(next, cloneState(out));
          break;
        }
        branch(ctx, cs, insn, cond, out, target, next, push);
        break;
      }
    }
  }
}

function alu(insn: Insn, r: Val[], is64: boolean, reloKey: string | undefined, exists: boolean): Val {
  const op = aluOp(insn);
  const dst = r[insn.dst]!;
  const src: Val = usesSrcReg(insn) ? r[insn.src]! : { k: 'const', v: insn.imm };
  if (op === ALU_MOV) {
    if (!usesSrcReg(insn)) return reloKey ? (exists ? { k: 'const', v: insn.imm, relo: reloKey, core: reloKey } : { k: 'const', v: insn.imm, core: reloKey }) : { k: 'const', v: insn.imm };
    // A 32-bit move keeps the kernel version (it fits) but nothing pointer-sized.
    if (!is64) return src.k === 'kver' || src.k === 'const' ? src : U;
    return src;
  }
  if (dst.k === 'kver' && (op === 0x60 || op === 0x70 || op === 0xc0) && src.k === 'const' && src.v === 32) return dst; // <<32, >>32: sign/zero extension
  if (!is64) return dst.k === 'const' && src.k === 'const' ? fold(op, dst.v, src.v) : U;
  if (op === ALU_ADD || op === ALU_SUB) {
    const sign = op === ALU_ADD ? 1 : -1;
    if (src.k === 'const' && !src.relo) {
      if (dst.k === 'ctx') return { k: 'ctx', off: dst.off + sign * src.v };
      if (dst.k === 'fp') return { k: 'fp', off: dst.off + sign * src.v };
    }
    if (op === ALU_ADD && dst.k === 'const' && !dst.relo && src.k === 'ctx') return { k: 'ctx', off: src.off + dst.v };
    if (op === ALU_ADD && dst.k === 'const' && !dst.relo && src.k === 'fp') return { k: 'fp', off: src.off + dst.v };
    if (dst.k === 'ctx' || dst.k === 'ctxvar' || (op === ALU_ADD && (src.k === 'ctx' || src.k === 'ctxvar'))) return { k: 'ctxvar' };
  }
  if (dst.k === 'const' && src.k === 'const' && !dst.relo && !src.relo) return fold(op, dst.v, src.v);
  return U;
}

function fold(op: number, a: number, b: number): Val {
  const v = (() => {
    switch (op) {
      case 0x00:
        return a + b;
      case 0x10:
        return a - b;
      case 0x40:
        return a | b;
      case 0x50:
        return a & b;
      case 0x60:
        return b < 32 ? a * 2 ** b : undefined;
      case 0x70:
        return a >= 0 && b < 53 ? Math.floor(a / 2 ** b) : undefined;
      default:
        return undefined;
    }
  })();
  return v === undefined || !Number.isSafeInteger(v) ? U : { k: 'const', v };
}

/** The values for which `x cond k` holds, within version codes (all non-negative and below 2^32). */
function condInterval(cond: JumpCond, k: number): CodeInterval | undefined | 'none' {
  const clamp = (lo: number, hi: number) => (lo > hi ? 'none' : { lo: Math.max(lo, 0), hi: Math.min(hi, MAX_VERSION_CODE) });
  switch (cond) {
    case 'eq':
      return clamp(k, k);
    case 'gt':
    case 'sgt':
      return clamp(k + 1, MAX_VERSION_CODE);
    case 'ge':
    case 'sge':
      return clamp(k, MAX_VERSION_CODE);
    case 'lt':
    case 'slt':
      return clamp(0, k - 1);
    case 'le':
    case 'sle':
      return clamp(0, k);
    default:
      return undefined; // ne, set: not one interval
  }
}

const SWAP: Partial<Record<JumpCond, JumpCond>> = { eq: 'eq', ne: 'ne', gt: 'lt', lt: 'gt', ge: 'le', le: 'ge', sgt: 'slt', slt: 'sgt', sge: 'sle', sle: 'sge' };

function branch(
  ctx: Ctx,
  cs: CodeSection,
  insn: Insn,
  cond: JumpCond,
  out: State,
  target: number,
  next: number,
  push: (idx: number, s: State) => void,
): void {
  let a = out.regs[insn.dst]!;
  let b: Val = usesSrcReg(insn) ? out.regs[insn.src]! : { k: 'const', v: insn.imm };
  // `k op version` (clang puts the constant on the left too): the same test with the operands swapped.
  if (b.k === 'kver' && a.k === 'const') {
    const swapped = SWAP[cond];
    if (swapped) {
      [a, b] = [b, a];
      cond = swapped;
    }
  }
  const taken = cloneState(out);
  const fall = cloneState(out);
  if (a.k === 'kver' && b.k === 'const' && !b.relo) {
    const neg = negateCond(cond);
    const t = condInterval(cond, b.v);
    const f = neg ? condInterval(neg, b.v) : undefined;
    if (t === undefined || (neg !== undefined && f === undefined)) {
      ctx.problems.add(`${cs.section.name} instruction ${insn.index}: a LINUX_KERNEL_VERSION test (${cond} ${b.v}) that is not one version range: uses after it carry no gate`);
      push(target, taken);
      push(next, fall);
      return;
    }
    const ti = t === 'none' ? undefined : intersect(out.iv, t);
    const fi = f === undefined || f === 'none' ? undefined : intersect(out.iv, f);
    if (ti) push(target, { ...taken, iv: ti });
    if (fi) push(next, { ...fall, iv: fi });
    return;
  }
  if (a.k === 'const' && a.relo && b.k === 'const' && !b.relo && b.v === 0 && (cond === 'eq' || cond === 'ne')) {
    // `if (bpf_core_field_exists(...))`: the non-zero edge is the one where it exists, the other its fallback.
    (cond === 'ne' ? taken : fall).guards.add(a.relo);
    (cond === 'ne' ? fall : taken).guards.add(`!${a.relo}`);
    push(target, taken);
    push(next, fall);
    return;
  }
  if (a.k === 'const' && !a.relo && b.k === 'const' && !b.relo) {
    const holds = evalCond(cond, a.v, b.v);
    if (holds !== undefined) {
      push(holds ? target : next, holds ? taken : fall);
      return;
    }
  }
  push(target, taken);
  push(next, fall);
}

function evalCond(cond: JumpCond, a: number, b: number): boolean | undefined {
  switch (cond) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
    case 'sgt':
      return a > b;
    case 'ge':
    case 'sge':
      return a >= b;
    case 'lt':
    case 'slt':
      return a < b;
    case 'le':
    case 'sle':
      return a <= b;
    case 'set':
      return (a & b) !== 0;
  }
}

function call(
  ctx: Ctx,
  cs: CodeSection,
  insn: Insn,
  state: State,
  path: string,
  depth: number,
  observe: (o: Omit<Observation, 'cs' | 'index' | 'iv' | 'guards'>, tag?: string) => void,
): void {
  const t = callTarget(ctx.obj, cs, insn);
  if (!t) {
    ctx.problems.add(`${cs.section.name} instruction ${insn.index}: a call whose target cannot be resolved: not followed`);
    return;
  }
  const fn = functionAt(t.cs, t.index);
  for (let k = 1; k <= 5; k++) {
    const v = state.regs[k]!;
    if (v.k === 'loaded' && fn) observe({ argParam: { off: v.off, funcName: fn.name, param: k - 1 } }, `a${k}`);
  }
  if (depth + 1 > MAX_DEPTH) {
    ctx.problems.add(`calls nested deeper than ${MAX_DEPTH} at ${cs.section.name} instruction ${insn.index}: not followed`);
    return;
  }
  const regs: Val[] = Array.from({ length: 11 }, (_, k) => (k >= 1 && k <= 5 ? state.regs[k]! : U));
  regs[R10] = { k: 'fp', off: 0 };
  // The callee's frame is its own: a pointer into the caller's stack is not followed.
  for (let k = 1; k <= 5; k++) if (regs[k]!.k === 'fp') regs[k] = U;
  runFunction(ctx, t.cs, t.index, { regs, stack: new Map(), iv: { ...state.iv }, guards: new Set(state.guards) }, path, depth + 1);
}

export { INSN_SIZE };
