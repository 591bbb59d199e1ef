/**
 * The tree before and after a patch series, for check-patch. The tree is scanned once; the files the
 * series changes are scanned again from their patched content, and both snapshots are built from the same
 * scans otherwise, so everything a change can reach (a constant used as an array length in another header,
 * a typedef) is seen, and nothing else differs.
 */
import type { Snapshot } from '../../model/snapshot.js';
import { type LoadTreeOptions, buildSnapshot, scanTree } from './tree.js';
import { scanBuffer } from './scan.js';

export async function snapshotsAroundPatch(
  root: string,
  after: ReadonlyMap<string, string | null>,
  opts: LoadTreeOptions = {},
): Promise<{ before: Snapshot; after: Snapshot }> {
  const scans = await scanTree(root, opts);
  const patched = scans.filter((s) => !after.has(s.file));
  for (const [rel, text] of after) if (text !== null) patched.push(scanBuffer(rel, Buffer.from(text, 'utf8')));
  return {
    before: buildSnapshot(root, scans, opts),
    after: buildSnapshot(root, patched, { ...opts, overlay: after }),
  };
}
