/** Rendering a report, writing it (stdout or -o atomically), and the exit code it calls for. */
import { UsageError } from '../errors.js';
import { type Finding, severityRank } from '../engine/finding.js';
import type { ReportData, SideInfo } from '../report/model.js';
import { reporterFor } from '../report/index.js';
import type { LoadedSource } from '../sources/load.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { decideColor } from './color.js';
import type { Io } from './context.js';
import type { FailOn, ReportArgs } from './options.js';

export function exitCodeFor(findings: Finding[], failOn: FailOn): number {
  if (failOn === 'none') return 0;
  const bar = severityRank(failOn);
  return findings.some((f) => !f.suppressed && severityRank(f.severity) >= bar) ? 1 : 0;
}

export function sideInfo(s: LoadedSource): SideInfo {
  const info: SideInfo = { label: s.label, kind: s.kind, events: s.snapshot.events.length };
  if (s.snapshot.kernel.release) info.release = s.snapshot.kernel.release;
  if (s.snapshot.kernel.arch) info.arch = s.snapshot.kernel.arch;
  return info;
}

/** Renders and writes a report; returns the exit code its findings call for. */
export function emitReport(report: ReportData, args: ReportArgs, io: Io): number {
  const reporter = reporterFor(args.format);
  if (!reporter) throw new UsageError(`--format ${args.format} is not available yet`);
  const toFile = args.output !== undefined && args.output !== '-';
  const color = toFile ? false : decideColor(args.color, io.env, io.stdoutIsTTY);
  const text = reporter(report, { color });
  if (toFile) writeFileAtomic(args.output!, text);
  else io.stdout(text);
  return exitCodeFor(report.findings, args['fail-on']);
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
