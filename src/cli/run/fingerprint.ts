/** `tpdrift fingerprint`: a source's fingerprints, or the check of a source against recorded ones. */
import { checkFingerprints, fingerprintsJson, fingerprintsText, listFingerprints, readFingerprints } from '../../report/fingerprints.js';
import type { FingerprintArgs } from '../commands/fingerprint.js';
import type { Io } from '../context.js';
import { load } from '../../api/run.js';
import { loadingOptions } from '../load-args.js';

export async function run(a: FingerprintArgs, io: Io): Promise<number> {
  const recorded = a.check === undefined ? undefined : readFingerprints(a.check);
  const src = await load(a.source, loadingOptions(a.kind, io, a));
  const { list, unmatched } = listFingerprints(src.snapshot, a.events);
  for (const p of unmatched) io.stderr(`tpdrift: ${src.label}: no event matches '${p}'\n`);
  if (!recorded) {
    io.stdout(a.format === 'json' ? fingerprintsJson(list) : fingerprintsText(list));
    return unmatched.length > 0 ? 1 : 0;
  }
  const mismatches = checkFingerprints(recorded, list);
  if (a.format === 'json') io.stdout(JSON.stringify({ mismatches }, null, 2) + '\n');
  else {
    for (const m of mismatches) io.stdout(m.missing ? `${m.event}: not in ${src.label}\n` : `${m.event}: ${m.facets.join(', ')} changed\n`);
    io.stdout(`${recorded.events.length} recorded event(s) checked, ${mismatches.length} changed or missing\n`);
  }
  return mismatches.length > 0 || unmatched.length > 0 ? 1 : 0;
}
