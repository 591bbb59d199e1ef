/** `tpdrift consumers`: the inventory of what consumer programs read; with --against, what breaks on one kernel. */
import { UsageError } from '../../errors.js';
import { consumersAgainst } from '../../api/run.js';
import { readConsumers } from '../../consumers/read.js';
import { renderInventory } from '../../consumers/inventory-report.js';
import type { Io } from '../context.js';
import { loadingOptions } from '../load-args.js';
import type { ReportArgs } from '../options.js';
import { emitReport } from '../output.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { reportConfig } from '../report-config.js';
import { givenPath } from '../consumer-args.js';

export async function run(a: ReportArgs & { paths: string[]; against?: string }, io: Io): Promise<number> {
  const config = reportConfig(a, io);
  const inventory = readConsumers(a.paths.map((p) => givenPath(p, io)));
  if (a.against === undefined) {
    if (a.format !== 'text' && a.format !== 'json') throw new UsageError(`--format ${a.format}: the inventory is text or json (reports of what breaks: --against)`);
    const text = renderInventory(inventory, a.format);
    if (a.output !== undefined && a.output !== '-') writeFileAtomic(a.output, text);
    else io.stdout(text);
    return 0;
  }
  return emitReport(await consumersAgainst(inventory, a.against, { ...loadingOptions(a.kind, io, a), config }), a, io);
}
