/**
 * check-patch: the tree before and after a patch series, compared with the drift and audit rules, every
 * finding pointed at the patched file's lines. The tree on disk is never written.
 */
import type { Snapshot } from '../model/snapshot.js';
import { eventKey } from '../model/snapshot.js';
import { serializeSnapshot } from '../model/canonical.js';
import { compareSnapshots } from '../diff/compare.js';
import { runDiff, type RunOptions } from '../engine/run.js';
import type { Finding } from '../engine/finding.js';
import { snapshotsAroundPatch } from '../sources/tree/index.js';
import { applyPatches } from './apply.js';
import { mapLineThroughPatch } from './lines.js';
import type { FilePatch } from './read.js';

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
  opts: RunOptions & { onProgress?: (done: number, total: number) => void } = {},
): Promise<PatchCheck> {
  const applied = applyPatches(root, patches);
  const { before, after } = await snapshotsAroundPatch(root, applied.after, opts.onProgress ? { onProgress: opts.onProgress } : {});
  const findings = runDiff(compareSnapshots(before, after), opts).map((f) => locate(f, before, patches));
  const touched = [...applied.after.keys()].sort();
  return {
    before,
    after,
    findings,
    touched,
    touchesNoDefinition: eventsOnly(before) === eventsOnly(after),
  };
}

/** The events as they compare (call counts aside: a new trace_x() call changes no definition). */
function eventsOnly(s: Snapshot): string {
  return serializeSnapshot({ ...s, problems: [], events: s.events.map(({ calls: _c, ...e }) => e) });
}

/**
 * A finding about something the patch removed has no location on the new side: point it at the line of
 * the patched file where the removed definition stood.
 */
function locate(f: Finding, before: Snapshot, patches: FilePatch[]): Finding {
  if (f.location) return f;
  const old = before.events.find((e) => eventKey(e) === f.event);
  if (!old?.location) return f;
  const fp = patches.filter((p) => p.oldPath === old.location!.file);
  if (fp.length === 0) return f;
  let line = old.location.line;
  for (const p of fp) line = mapLineThroughPatch(p.patch, line);
  return { ...f, location: { file: fp[fp.length - 1]!.newPath ?? old.location.file, line } };
}
