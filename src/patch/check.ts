/**
 * check-patch: the tree before and after a patch series, compared with the drift and audit rules, every
 * finding pointed at the patched file's lines. The tree on disk is never written.
 */
import type { Snapshot } from '../model/snapshot.js';
import { eventKey } from '../model/snapshot.js';
import { compareSnapshots } from '../diff/compare.js';
import { runDiff, type RunOptions } from '../engine/run.js';
import type { Finding } from '../engine/finding.js';
import type { LoadTreeOptions } from '../sources/tree/options.js';
import { applyPatches } from './apply.js';
import { mapLineThroughPatch } from './lines.js';
import type { FilePatch } from './read.js';
import type { LoadPhase } from '../sources/source.js';

export interface PatchCheck {
  before: Snapshot;
  after: Snapshot;
  findings: Finding[];
  /** Tree-relative paths the series changes. */
  touched: string[];
  /** True when the series changes nothing any trace event definition reads. */
  touchesNoDefinition: boolean;
}

export async function checkPatch(
  root: string,
  patches: FilePatch[],
  opts: RunOptions & { onProgress?: (done: number, total: number) => void; onPhase?: (p: LoadPhase) => void } & Pick<LoadTreeOptions, 'arch' | 'kconfig'> = {},
): Promise<PatchCheck> {
  const applied = applyPatches(root, patches);
  // Loaded on demand, as the tree source does: the tree reader (and its parser) is the heaviest module.
  const { snapshotsAroundPatch } = await import('../sources/tree/patched.js');
  const { before, after } = await snapshotsAroundPatch(root, applied.after, {
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.onPhase ? { onPhase: opts.onPhase } : {}),
    ...(opts.arch ? { arch: opts.arch } : {}),
    ...(opts.kconfig !== undefined ? { kconfig: opts.kconfig } : {}),
  });
  const findings = runDiff(compareSnapshots(before, after), opts).map((f) => locate(f, before, patches));
  const touched = [...applied.after.keys()].sort();
  return {
    before,
    after,
    findings,
    touched,
    touchesNoDefinition: sameDefinitions(before, after),
  };
}

/**
 * Whether the two snapshots define the same events (call counts aside: a new trace_x() call changes no
 * definition), compared as their JSON would be: properties that are undefined count as absent. Walked, not
 * serialized: rendering two whole-tree snapshots to compare them cost a quarter of a second per check.
 */
function sameDefinitions(before: Snapshot, after: Snapshot): boolean {
  const { events: be, problems: _bp, ...bRest } = before;
  const { events: ae, problems: _ap, ...aRest } = after;
  if (!sameJson(bRest, aRest) || be.length !== ae.length) return false;
  for (let i = 0; i < be.length; i++) {
    const { calls: _b, ...b } = be[i]!;
    const { calls: _a, ...a } = ae[i]!;
    if (!sameJson(b, a)) return false;
  }
  return true;
}

/** Equality of two JSON-like values as JSON.stringify would write them (undefined properties left out). */
export function sameJson(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  if (Array.isArray(x)) {
    const ya = y as unknown[];
    if (x.length !== ya.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameJson(x[i], ya[i])) return false;
    return true;
  }
  const xo = x as Record<string, unknown>;
  const yo = y as Record<string, unknown>;
  let xn = 0;
  for (const k in xo) {
    if (!Object.hasOwn(xo, k) || xo[k] === undefined) continue;
    xn++;
    if (!sameJson(xo[k], yo[k])) return false;
  }
  let yn = 0;
  for (const k in yo) if (Object.hasOwn(yo, k) && yo[k] !== undefined) yn++;
  return xn === yn;
}

/**
 * A finding about something the patch removed has no location on the new side: point it at the line of
 * the patched file where the removed definition stood.
 */
function locate(f: Finding, before: Snapshot, patches: FilePatch[]): Finding {
  if (f.location && f.location.side !== 'old') return f;
  const old = before.events.find((e) => eventKey(e) === f.event);
  if (!old?.location) return f;
  const fp = patches.filter((p) => p.oldPath === old.location!.file);
  if (fp.length === 0) return f;
  // The patched file's line where the removed definition stood (a new-side line, the one a reviewer sees).
  let line = old.location.line;
  for (const p of fp) line = mapLineThroughPatch(p.patch, line);
  return { ...f, location: { file: fp[fp.length - 1]!.newPath ?? old.location.file, line } };
}
