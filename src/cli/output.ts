/** Rendering a report, writing it (stdout or -o atomically), and the exit code it calls for. */
import { type Finding, severityRank } from '../engine/finding.js';
import type { ReportData } from '../report/model.js';
import { render } from '../api/render.js';
import type { Outcome, PatchOutcome } from '../api/run.js';
import type { Snapshot } from '../model/snapshot.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { decideColor } from './color.js';
import type { Io } from './context.js';
import type { FailOn, ReportArgs } from './options.js';
import type { LoadPhase } from '../sources/source.js';
import { type ScopeOptions, applyDisplayThreshold, checkScopeAgainst, scopeReport } from '../report/scope.js';

/** The scope and display threshold the options ask for (SARIF lists warnings and up unless --show says otherwise). */
export function scopeOptions(args: ReportArgs): ScopeOptions {
  const scope: ScopeOptions = {};
  if (args.events && args.events.length > 0) scope.events = args.events;
  if (args.path && args.path.length > 0) scope.paths = args.path;
  const show = args.show ?? (args.format === 'sarif' ? 'warning' : undefined);
  if (show && show !== 'info') scope.show = show;
  return scope;
}

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

/** The snapshots a report was made from, which scope patterns are checked against (an unknown event is an error). */
function sidesOf(input: Outcome | PatchOutcome | ReportData): Snapshot[] {
  if (!('report' in input)) return [];
  if ('before' in input) return [input.before, input.after];
  return [input.old?.snapshot, input.new.snapshot].filter((s): s is Snapshot => s !== undefined);
}

function isOutcome(input: Outcome | PatchOutcome | ReportData): input is Outcome {
  return 'report' in input && !('before' in input);
}

/**
 * Renders and writes a report; returns the exit code its findings call for. Before rendering, the
 * suppressions file and the baseline mark what they accept; after writing, --write-baseline records
 * this run's findings. Given the outcome (the report with its sources), the HTML report draws layouts.
 */
export async function emitReport(input: Outcome | PatchOutcome | ReportData, args: ReportArgs, io: Io): Promise<number> {
  const scope = scopeOptions(args);
  checkScopeAgainst(scope, sidesOf(input));
  const report = scopeReport('report' in input ? input.report : input, scope);
  let data = await acceptFindings(report, args, io);
  // The exit code counts everything in scope; --show only decides what is listed.
  const code = exitCodeWithLimits(data.findings, args['fail-on'], args['max-warnings']);
  data = applyDisplayThreshold(data);
  const toFile = args.output !== undefined && args.output !== '-';
  announceWriting(io, `the ${args.format} report to ${toFile ? args.output : 'stdout'}`);
  const color = toFile ? false : decideColor(args.color, io.env, io.stdoutIsTTY);
  const text = await render(isOutcome(input) ? { ...input, report: data } : data, {
    format: args.format,
    color,
    warn: (m) => io.stderr(`tpdrift: ${m}\n`),
    cwd: io.cwd,
    ...(io.env.HOME ? { home: io.env.HOME } : {}),
    ...(args.summary ? { summaryOnly: true } : {}),
  });
  if (toFile) writeFileAtomic(args.output!, text);
  else io.stdout(text);
  if (args['write-baseline'] !== undefined) {
    const { writeBaseline } = await import('../report/baseline.js');
    writeBaseline(args['write-baseline'], report.findings);
    // Writing a baseline accepts today's findings: the step that records them succeeds.
    return 0;
  }
  return code;
}

/**
 * A non-terminal stderr (a CI log) gets one line per step of a tree read, so that a 40-second read says
 * what it is doing; trees smaller than this are read before anyone looks, and their runs stay quiet.
 */
export const PHASE_LINES_FROM_FILES = 2000;

/** Whether this run printed phase lines (then writing the report is a line too). */
let phaseLinesShown = false;

/** Steps of a tree read on stderr: on a terminal, as the live progress line's text; else one line each. */
export function phaseReporter(io: Io, label: string): (p: LoadPhase) => void {
  let loud = io.stderrIsTTY;
  return (p) => {
    if (p.phase === 'reading' && p.files >= PHASE_LINES_FROM_FILES) loud = true;
    if (!loud) return;
    const say = (s: string): void => {
      phaseLinesShown = true;
      io.stderr(io.stderrIsTTY ? `\r\x1b[K${label}: ${s}\n` : `tpdrift: ${label}: ${s}\n`);
    };
    if (p.phase === 'reading') {
      say(`listed ${p.files} source files`);
      say(`reading files: ${p.files - p.cached} to read${p.cached ? `, ${p.cached} unchanged since the last run` : ''}`);
    } else if (p.phase === 'building') say(`building units: ${p.units} files that define trace events`);
    else if (p.phase === 'done') say(`read ${p.events} events`);
  };
}

/** After phase lines, where the report goes is one more line. */
export function announceWriting(io: Io, what: string): void {
  if (phaseLinesShown) io.stderr(`tpdrift: writing ${what}\n`);
  phaseLinesShown = false;
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
