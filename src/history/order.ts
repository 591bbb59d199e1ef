/**
 * History reads its kernels oldest first. Releases given newest first would turn every addition into a
 * removal: noticed from the release numbers, when every kernel has one.
 */
import type { SideInfo } from '../model/side.js';

/** Compares two kernel release strings by their numeric parts (6.1.176 < 6.12.117 < 6.18.44). */
export function compareReleases(a: string, b: string): number {
  const pa = (a.match(/\d+/g) ?? []).map(Number);
  const pb = (b.match(/\d+/g) ?? []).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/** A warning when some kernel comes after a newer one; undefined when the order is oldest first (or unknown). */
export function releaseOrderWarning(kernels: readonly SideInfo[]): string | undefined {
  for (let i = 1; i < kernels.length; i++) {
    const a = kernels[i - 1]!.release;
    const b = kernels[i]!.release;
    if (a && b && compareReleases(a, b) > 0) {
      return `kernels are read oldest first, but ${a} (${kernels[i - 1]!.label}) comes before ${b} (${kernels[i]!.label}): additions will show as removals; give them oldest first`;
    }
  }
  return undefined;
}
