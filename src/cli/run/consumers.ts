/** `tpdrift consumers`: the inventory of what consumer programs read; with --against, what breaks on one kernel. */
import { UsageError } from '../../errors.js';
import { runConsumers } from '../../engine/run.js';
import { readConsumers } from '../../consumers/read.js';
import { renderInventory } from '../../consumers/inventory-report.js';
import { makeReport } from '../../report/model.js';
import type { Io } from '../context.js';
import { loadArg } from '../load-args.js';
import type { ReportArgs } from '../options.js';
import { emitReport, sideInfo } from '../output.js';
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
  const kernel = await loadArg(a.against, a.kind, io);
  const findings = runConsumers({ uses: inventory.uses, kernel: kernel.snapshot }, { config });
  const problems = (kernel.snapshot.problems ?? []).map((p) => ({ ...p, side: 'new' as const }));
  return emitReport(makeReport({ new: sideInfo(kernel), findings, problems, consumers: inventory }), a, io);
}
