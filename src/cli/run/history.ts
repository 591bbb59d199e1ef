/** `tpdrift history`: the library's history, rendered and written. */
import { history } from '../../api/run.js';
import type { TreeArch } from '../../sources/tree/arch.js';
import type { SourceKind } from '../../model/snapshot.js';
import { renderHistoryHtml, renderHistoryJson, renderHistoryText } from '../../report/history.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { Io } from '../context.js';
import { loadingOptions } from '../load-args.js';
import { releaseOrderWarning } from '../../history/order.js';
import { loadConsumers } from '../consumer-args.js';

export type HistoryFormat = 'text' | 'json' | 'html';

export async function run(a: { sources: string[]; format: HistoryFormat; output?: string; events?: string[]; kind?: SourceKind; consumers?: string[]; config?: string; arch?: TreeArch; kconfig?: string }, io: Io): Promise<number> {
  const consumers = await loadConsumers(a, io);
  const h = await history(a.sources, { ...loadingOptions(a.kind, io, a), ...(a.events ? { events: a.events } : {}), ...(consumers ? { uses: consumers.uses } : {}) });
  const order = releaseOrderWarning(h.kernels);
  if (order) io.stderr(`tpdrift: warning: ${order}\n`);
  const text = a.format === 'json' ? renderHistoryJson(h) : a.format === 'html' ? renderHistoryHtml(h) : renderHistoryText(h);
  if (a.output !== undefined && a.output !== '-') writeFileAtomic(a.output, text);
  else io.stdout(text);
  return 0;
}
