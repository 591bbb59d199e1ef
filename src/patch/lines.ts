/** Maps a line of a file before a patch to the line it has after, through the patch's hunks. */
import type { StructuredPatch } from 'diff';

/**
 * The new-side line of old line `line`. A line the patch removed maps to where the removal happened (the
 * first line after it on the new side), so a finding about something deleted still points at the change.
 */
export function mapLineThroughPatch(patch: StructuredPatch, line: number): number {
  let shift = 0;
  for (const h of patch.hunks) {
    if (line < h.oldStart) break;
    if (line >= h.oldStart + h.oldLines) {
      shift += h.newLines - h.oldLines;
      continue;
    }
    // Inside the hunk: walk its lines.
    let oldLine = h.oldStart;
    let newLine = h.newStart;
    for (const l of h.lines) {
      const kind = l[0];
      if (kind === '\\') continue;
      if (kind === '+') {
        newLine++;
        continue;
      }
      if (oldLine === line) return kind === '-' ? newLine : newLine;
      oldLine++;
      if (kind === ' ') newLine++;
    }
    return newLine;
  }
  return line + shift;
}
