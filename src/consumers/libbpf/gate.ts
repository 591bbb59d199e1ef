/**
 * Kernel-version gates: libbpf's `.kconfig` extern `LINUX_KERNEL_VERSION` (`KERNEL_VERSION(a, b, c)` =
 * a<<16 | b<<8 | min(c, 255)) compared with a constant. A gate is kept as the version interval it selects,
 * so that the object reader (which sees compare instructions) and the source reader (which sees C text) say
 * the same thing, and the consumer-break rule can test a kernel release against it.
 */
import type { VersionRange } from '../model.js';

export const MAX_VERSION_CODE = 0xffffffff;

/** Inclusive interval of version codes. */
export interface CodeInterval {
  lo: number;
  hi: number;
}

export const FULL: CodeInterval = { lo: 0, hi: MAX_VERSION_CODE };

export function versionCode(major: number, minor: number, patch: number): number {
  return major * 65536 + minor * 256 + Math.min(patch, 255);
}

export function codeToVersion(code: number): string {
  return `${Math.floor(code / 65536)}.${Math.floor(code / 256) % 256}.${code % 256}`;
}

/** `6.1.176-1~deb12u1` / `6.12.117+deb12-amd64` → the version code libbpf would compute for that release. */
export function releaseCode(release: string): number | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release);
  if (!m) return undefined;
  return versionCode(Number(m[1]), Number(m[2]), Number(m[3] ?? 0));
}

export function intersect(a: CodeInterval, b: CodeInterval): CodeInterval | undefined {
  const lo = Math.max(a.lo, b.lo);
  const hi = Math.min(a.hi, b.hi);
  return lo <= hi ? { lo, hi } : undefined;
}

export function hull(a: CodeInterval, b: CodeInterval): CodeInterval {
  return { lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
}

export function isFull(a: CodeInterval): boolean {
  return a.lo === 0 && a.hi === MAX_VERSION_CODE;
}

export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

/**
 * The codes for which `LINUX_KERNEL_VERSION op k` holds, as one interval (`!=` holds on two, so it gives
 * undefined: the caller says it could not keep that gate).
 */
export function opInterval(op: CompareOp, k: number): CodeInterval | undefined {
  switch (op) {
    case '<':
      return k <= 0 ? undefined : { lo: 0, hi: k - 1 };
    case '<=':
      return { lo: 0, hi: Math.min(k, MAX_VERSION_CODE) };
    case '>':
      return k >= MAX_VERSION_CODE ? undefined : { lo: Math.max(k + 1, 0), hi: MAX_VERSION_CODE };
    case '>=':
      return { lo: Math.max(k, 0), hi: MAX_VERSION_CODE };
    case '==':
      return { lo: k, hi: k };
    case '!=':
      return undefined;
  }
}

export function negateOp(op: CompareOp): CompareOp {
  return ({ '<': '>=', '<=': '>', '>': '<=', '>=': '<', '==': '!=', '!=': '==' } as const)[op];
}

/** The interval as a Use's gateRange and gate text; undefined for the full range (no gate). */
export function describeGate(iv: CodeInterval): { gate: string; gateRange: VersionRange } | undefined {
  if (isFull(iv)) return undefined;
  const range: VersionRange = {};
  const parts: string[] = [];
  const kv = (code: number) => {
    const v = codeToVersion(code).split('.');
    return `KERNEL_VERSION(${v.join(', ')})`;
  };
  if (iv.lo > 0) {
    range.from = codeToVersion(iv.lo);
    parts.push(`LINUX_KERNEL_VERSION >= ${kv(iv.lo)}`);
  }
  if (iv.hi < MAX_VERSION_CODE) {
    range.below = codeToVersion(iv.hi + 1);
    parts.push(`LINUX_KERNEL_VERSION < ${kv(iv.hi + 1)}`);
  }
  return { gate: parts.join(' && '), gateRange: range };
}

/** Does a kernel release fall in a gate's range? undefined when the release does not parse. */
export function releaseInRange(release: string, range: VersionRange): boolean | undefined {
  const code = releaseCode(release);
  if (code === undefined) return undefined;
  const from = range.from ? releaseCode(range.from) : undefined;
  const below = range.below ? releaseCode(range.below) : undefined;
  if (from !== undefined && code < from) return false;
  if (below !== undefined && code >= below) return false;
  return true;
}
