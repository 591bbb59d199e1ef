/**
 * BPF instructions (the kernel's Documentation/bpf/standardization/instruction-set.rst): an 8-byte slot of
 * opcode, dst/src registers, a signed 16-bit offset and a signed 32-bit immediate; `lddw` (64-bit immediate
 * load) takes two slots. Only what the consumer analysis needs is named; everything else is kept as its raw
 * fields, so that an unknown opcode is never an error (a newer compiler may emit one) but simply has no effect
 * the analysis understands.
 */

export const INSN_SIZE = 8;

/** Instruction classes (the low 3 opcode bits). */
export const CLS_LD = 0;
export const CLS_LDX = 1;
export const CLS_ST = 2;
export const CLS_STX = 3;
export const CLS_ALU = 4;
export const CLS_JMP = 5;
export const CLS_JMP32 = 6;
export const CLS_ALU64 = 7;

/** The registers: r1-r5 carry call arguments, r0 the result, r10 the frame pointer (read-only). */
export const R0 = 0;
export const R1 = 1;
export const R5 = 5;
export const R10 = 10;

/** `src_reg` of a call to a BPF-to-BPF subprogram (the immediate is then a relative instruction offset). */
export const PSEUDO_CALL = 1;

export interface Insn {
  /** Index of the first slot, in instructions (byte offset / 8) within its section. */
  index: number;
  code: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
  /** `lddw`: the upper 32 bits (second slot's imm). */
  imm64Hi?: number;
  /** 1, or 2 for `lddw`. */
  slots: number;
}

export function insnClass(i: Insn): number {
  return i.code & 0x07;
}

/** Bytes a load/store moves: BPF_W, BPF_H, BPF_B, BPF_DW. */
export function accessSize(i: Insn): number {
  switch (i.code & 0x18) {
    case 0x00:
      return 4;
    case 0x08:
      return 2;
    case 0x10:
      return 1;
    default:
      return 8;
  }
}

/** `BPF_MEM` (and `BPF_MEMSX`, sign-extending loads) mode loads and stores. */
export function isMemAccess(i: Insn): boolean {
  const mode = i.code & 0xe0;
  return mode === 0x60 || mode === 0x80;
}

export function isLddw(i: Insn): boolean {
  return i.code === 0x18;
}

/** ALU operation bits (`BPF_ADD` 0x00 ... `BPF_END` 0xd0) and whether the source is a register (`BPF_X`). */
export function aluOp(i: Insn): number {
  return i.code & 0xf0;
}
export function usesSrcReg(i: Insn): boolean {
  return (i.code & 0x08) !== 0;
}

export const ALU_ADD = 0x00;
export const ALU_SUB = 0x10;
export const ALU_MOV = 0xb0;

export const JMP_JA = 0x00;
export const JMP_CALL = 0x80;
export const JMP_EXIT = 0x90;

/**
 * Decodes a section's instructions. A section whose size is not a multiple of 8 is malformed; the caller
 * names the file and offset. A truncated `lddw` at the end likewise.
 */
export function decodeInsns(data: Buffer): Insn[] | { error: string; offset: number } {
  if (data.length % INSN_SIZE !== 0) return { error: `instruction section size ${data.length} is not a multiple of 8`, offset: data.length };
  const out: Insn[] = [];
  for (let pos = 0; pos < data.length; ) {
    const code = data.readUInt8(pos);
    const regs = data.readUInt8(pos + 1);
    const insn: Insn = {
      index: pos / INSN_SIZE,
      code,
      dst: regs & 0x0f,
      src: regs >> 4,
      off: data.readInt16LE(pos + 2),
      imm: data.readInt32LE(pos + 4),
      slots: 1,
    };
    if (code === 0x18) {
      if (pos + 16 > data.length) return { error: 'truncated 64-bit immediate load (lddw) at the end of the section', offset: pos };
      insn.imm64Hi = data.readInt32LE(pos + 12);
      insn.slots = 2;
    }
    out.push(insn);
    pos += insn.slots * INSN_SIZE;
  }
  return out;
}

/** Conditional jump operations; the analysis refines values along both edges. */
export type JumpCond = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'sgt' | 'sge' | 'slt' | 'sle' | 'set';

export function jumpCond(i: Insn): JumpCond | undefined {
  switch (i.code & 0xf0) {
    case 0x10:
      return 'eq';
    case 0x20:
      return 'gt';
    case 0x30:
      return 'ge';
    case 0x40:
      return 'set';
    case 0x50:
      return 'ne';
    case 0x60:
      return 'sgt';
    case 0x70:
      return 'sge';
    case 0xa0:
      return 'lt';
    case 0xb0:
      return 'le';
    case 0xc0:
      return 'slt';
    case 0xd0:
      return 'sle';
    default:
      return undefined;
  }
}

/** The condition that holds on the fall-through edge of a jump taken when `c` holds. */
export function negateCond(c: JumpCond): JumpCond | undefined {
  const neg: Partial<Record<JumpCond, JumpCond>> = { eq: 'ne', ne: 'eq', gt: 'le', le: 'gt', ge: 'lt', lt: 'ge', sgt: 'sle', sle: 'sgt', sge: 'slt', slt: 'sge' };
  return neg[c];
}
