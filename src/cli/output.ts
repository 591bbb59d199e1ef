/** Rendering a report, writing it (stdout or -o atomically), and the exit code it calls for. */
import { type Finding, severityRank } from '../engine/finding.js';
import type { ReportData } from '../report/model.js';
import { render } from '../api/render.js';
import type { Outcome } from '../api/run.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { decideColor } from './color.js';
import type { Io } from './context.js';
import type { FailOn, ReportArgs } from './options.js';

export function exitCodeFor(findings: Finding[], failOn: FailOn): number {
  if (failOn === 'none') return 0;
  const bar = severityRank(failOn);
  return findings.some((f) => !f.suppressed && severityRank(f.severity) >= bar) ? 1 : 0;
}

/** `--max-warnings N`: more than N unsuppressed warnings fail the run too. */
export function exitCodeWithLimits(findings: Finding[], failOn: FailOn, maxWarnings: number | undefined): number {
  const code = exitCodeFor(findings, failOn);
  if (code !== 0 || maxWarnings === undefined) return code;
  return findings.filter((f) => !f.suppressed && f.severity === 'warning').length > maxWarnings ? 1 : 0;
}

/** Marks what --suppressions and --baseline accept, with a note on stderr about stale or unused entries. */
export async function acceptFindings(report: ReportData, args: ReportArgs, io: Io): Promise<ReportData> {
  if (args.baseline === undefined && args.suppressions === undefined) return report;
  const { applyAcceptance, readBaseline, readSuppressions } = await import('../report/baseline.js');
  const input: Parameters<typeof applyAcceptance>[1] = {};
  if (args.baseline !== undefined) input.baseline = { file: args.baseline, data: readBaseline(args.baseline) };
  if (args.suppressions !== undefined) input.suppressions = { file: args.suppressions, entries: readSuppressions(args.suppressions) };
  const { report: out, staleEntries, unusedSuppressions } = applyAcceptance(report, input);
  if (staleEntries.length > 0) {
    const list = staleEntries.slice(0, 5).map((e) => `${e.rule} ${e.event}${e.field ? `.${e.field}` : ''}`).join('; ');
    io.stderr(
      `tpdrift: baseline ${args.baseline}: ${staleEntries.length} stale entr${staleEntries.length === 1 ? 'y' : 'ies'} (no longer found): ${list}${staleEntries.length > 5 ? '; …' : ''}\n`,
    );
  }
  if (unusedSuppressions.length > 0) {
    const list = unusedSuppressions.slice(0, 5).map((e) => `${e.rule} ${e.event}${e.field ? `.${e.field}` : ''}`).join('; ');
    io.stderr(`tpdrift: suppressions ${args.suppressions}: ${unusedSuppressions.length} entr${unusedSuppressions.length === 1 ? 'y matches' : 'ies match'} no finding: ${list}${unusedSuppressions.length > 5 ? '; …' : ''}\n`);
  }
  return out;
}

/**
 * Renders and writes a report; returns the exit code its findings call for. Before rendering, the
 * suppressions file and the baseline mark what they accept; after writing, --write-baseline records
 * this run's findings. Given the outcome (the report with its sources), the HTML report draws layouts.
 */
export async function emitReport(input: Outcome | ReportData, args: ReportArgs, io: Io): Promise<number> {
  const report = 'report' in input ? input.report : input;
  const accepted = await acceptFindings(report, args, io);
  const toFile = args.output !== undefined && args.output !== '-';
  const color = toFile ? false : decideColor(args.color, io.env, io.stdoutIsTTY);
  const text = await render('report' in input ? { ...input, report: accepted } : accepted, {
    format: args.format,
    color,
    warn: (m) => io.stderr(`tpdrift: ${m}\n`),
  });
  if (toFile) writeFileAtomic(args.output!, text);
  else io.stdout(text);
  if (args['write-baseline'] !== undefined) {
    const { writeBaseline } = await import('../report/baseline.js');
    writeBaseline(args['write-baseline'], report.findings);
  }
  return exitCodeWithLimits(accepted.findings, args['fail-on'], args['max-warnings']);
}

/** A progress line on stderr, only when stderr is a terminal. */
export function progress(io: Io, label: string): ((done: number, total: number) => void) | undefined {
  if (!io.stderrIsTTY) return undefined;
  let last = -1;
  return (done, total) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (pct === last) return;
    last = pct;
    io.stderr(`\r${label}: ${done}/${total} files (${pct}%)${done >= total ? '\n' : ''}`);
  };
}
