/** `tpdrift history`: the same events across several kernels, as a timeline. */
import type { SourceKind } from '../../model/snapshot.js';
import { buildHistory, renderHistoryHtml, renderHistoryJson, renderHistoryText } from '../../report/history.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { Io } from '../context.js';
import { loadArg } from '../load-args.js';
import { sideInfo } from '../output.js';
import { loadConsumers } from '../consumer-args.js';

export type HistoryFormat = 'text' | 'json' | 'html';

export async function run(a: { sources: string[]; format: HistoryFormat; output?: string; events?: string[]; kind?: SourceKind; consumers?: string[]; config?: string }, io: Io): Promise<number> {
  const sides = [];
  for (const s of a.sources) {
    const src = await loadArg(s, a.kind, io);
    sides.push({ info: sideInfo(src), snapshot: src.snapshot });
  }
  const consumers = await loadConsumers(a, io);
  const h = buildHistory(sides, { ...(a.events ? { events: a.events } : {}), ...(consumers ? { uses: consumers.uses } : {}) });
  const text = a.format === 'json' ? renderHistoryJson(h) : a.format === 'html' ? renderHistoryHtml(h) : renderHistoryText(h);
  if (a.output !== undefined && a.output !== '-') writeFileAtomic(a.output, text);
  else io.stdout(text);
  return 0;
}
