/**
 * Scope and triage: which findings a run is about (--events, --path) and which of them a report shows
 * (--show). A scope narrows the run itself (the exit code and the counts only see what is in scope); the
 * display threshold only hides lines: what it hides is still counted and still decides the exit code.
 */
import picomatch from 'picomatch';
import { UsageError } from '../errors.js';
import { type Severity, type Summary, severityRank, summarize } from '../engine/finding.js';
import type { Snapshot } from '../model/snapshot.js';
import { eventKeys } from '../model/event-index.js';
import type { ReportData, ReportFinding } from './model.js';
import { closest } from '../util/did-you-mean.js';
import { systemOf } from './summary.js';

export interface ScopeOptions {
  /** Event patterns: `sched:*`, `*:sched_switch`, `block` (a system: all its events), globs. */
  events?: readonly string[];
  /** Source path globs matched against findings' locations (tree-relative): `fs/xfs/**`, `include/trace/events/sched.h`. */
  paths?: readonly string[];
  /** Show findings at or above this severity; the rest are counted, not listed. */
  show?: Severity;
}

/** What a scoped report records about its scope (reporters say it in their header). */
export interface ScopeInfo {
  events?: string[];
  paths?: string[];
  show?: Severity;
  /** Findings of the whole run the events/paths filters left out. */
  outOfScope: number;
  /** In-scope findings below --show, by severity (counted in the summary, not listed). */
  hidden: Summary;
  /** The same, by system, so that the summary view counts what it does not list. */
  hiddenBySystem?: Record<string, Summary>;
}

/** `block` means every event of the system block; anything with a colon is a pattern over `system:name`. */
export function normalizeEventPattern(p: string): string {
  return p.includes(':') ? p : `${p}:*`;
}

export function eventScopeMatcher(patterns: readonly string[]): (event: string) => boolean {
  const isMatch = picomatch(patterns.map(normalizeEventPattern), { dot: true });
  return (event) => isMatch(event);
}

export function pathScopeMatcher(patterns: readonly string[]): (file: string) => boolean {
  // A pattern without a glob that names a directory means everything under it.
  const expanded = patterns.flatMap((p) => (picomatch.scan(p).isGlob || /\.[a-z]+$/i.test(p) ? [p] : [p, `${p.replace(/\/+$/, '')}/**`]));
  const isMatch = picomatch(expanded.map((p) => p.replace(/^\.\//, '')), { dot: true });
  return (file) => isMatch(file);
}

function findingInEvents(f: ReportFinding, match: (e: string) => boolean): boolean {
  // A change of the common header ('*') touches every event, the chosen ones too.
  if (f.event === '*') return true;
  return (f.events ?? [f.event]).some(match);
}

/**
 * Checks each pattern against the events the sides define: a pattern no event matches is a typo or a
 * wrong kernel, and an empty report would read as "nothing changed".
 */
export function checkScopeAgainst(scope: ScopeOptions, sides: readonly Snapshot[]): void {
  if (sides.length === 0) return;
  for (const p of scope.events ?? []) {
    const match = eventScopeMatcher([p]);
    if (!sides.some((s) => eventKeys(s).some(match))) {
      throw new UsageError(`--events ${p}: no event ${p.includes(':') ? 'matches it' : `of system '${p}'`} on ${sides.length > 1 ? 'either side' : 'this source'}${suggestSystem(p, sides)}`);
    }
  }
  // Locations need the events themselves: read only when --path asks.
  if ((scope.paths?.length ?? 0) > 0 && !sides.some((s) => s.events.some((e) => e.location))) {
    throw new UsageError('--path: these sources carry no source locations (tracefs captures do not); use --events');
  }
  for (const p of scope.paths ?? []) {
    const match = pathScopeMatcher([p]);
    if (!sides.some((s) => s.events.some((e) => e.location && match(e.location.file)))) {
      throw new UsageError(`--path ${p}: no trace event is defined under it on ${sides.length > 1 ? 'either side' : 'this source'} (paths are relative to the tree root)`);
    }
  }
}

function suggestSystem(p: string, sides: readonly Snapshot[]): string {
  const system = p.split(':')[0]!;
  if (/[*?[]/.test(system)) return '';
  const systems = new Set(sides.flatMap((s) => eventKeys(s).map((k) => k.slice(0, k.indexOf(':')))));
  const near = closest(system, [...systems]);
  return near ? ` (did you mean '${p.replace(system, near)}'?)` : '';
}

/** Narrows a report to the --events/--path scope (the summary counts what stays). */
export function scopeReport(report: ReportData, scope: ScopeOptions): ReportData {
  const events = scope.events && scope.events.length > 0 ? eventScopeMatcher(scope.events) : undefined;
  const paths = scope.paths && scope.paths.length > 0 ? pathScopeMatcher(scope.paths) : undefined;
  if (!events && !paths && !scope.show) return report;
  const kept = report.findings.filter((f) => (!events || findingInEvents(f, events)) && (!paths || (f.location !== undefined && paths(f.location.file))));
  const info: ScopeInfo = { outOfScope: report.findings.length - kept.length, hidden: { error: 0, warning: 0, info: 0 } };
  if (events) info.events = [...scope.events!];
  if (paths) info.paths = [...scope.paths!];
  if (scope.show) info.show = scope.show;
  const problems = paths && report.problems ? report.problems.filter((p) => paths(p.file)) : report.problems;
  const out: ReportData = { ...report, findings: kept, summary: summarize(kept), scope: info };
  if (problems && problems.length > 0) out.problems = problems;
  else delete out.problems;
  return out;
}

/**
 * Leaves out the findings below --show (after the exit code was decided on all of them); the summary still
 * counts them and `scope.hidden` says how many each severity hid.
 */
export function applyDisplayThreshold(report: ReportData): ReportData {
  const show = report.scope?.show;
  if (!show) return report;
  const bar = severityRank(show);
  const hidden: Summary = { error: 0, warning: 0, info: 0 };
  const hiddenBySystem: Record<string, Summary> = {};
  const listed: ReportFinding[] = [];
  for (const f of report.findings) {
    if (severityRank(f.severity) >= bar) listed.push(f);
    else if (!f.suppressed) {
      hidden[f.severity]++;
      (hiddenBySystem[systemOf(f.event)] ??= { error: 0, warning: 0, info: 0 })[f.severity]++;
    }
  }
  return { ...report, findings: listed, scope: { ...report.scope!, hidden, hiddenBySystem } };
}

/** One line saying what the scope left out, for report headers; undefined when nothing was. */
export function scopeNote(report: ReportData): string | undefined {
  const s = report.scope;
  if (!s) return undefined;
  const parts: string[] = [];
  if (s.events) parts.push(`events ${s.events.join(', ')}`);
  if (s.paths) parts.push(`paths ${s.paths.join(', ')}`);
  const scoped = parts.length > 0 ? `scope: ${parts.join('; ')} (${s.outOfScope} finding${s.outOfScope === 1 ? '' : 's'} outside it)` : '';
  const hiddenParts = (['error', 'warning', 'info'] as const).filter((k) => s.hidden[k] > 0).map((k) => `${s.hidden[k]} ${k}`);
  const shown = s.show ? `showing ${s.show}${s.show === 'info' ? '' : ' and up'}${hiddenParts.length ? `; ${hiddenParts.join(', ')} counted, not listed` : ''}` : '';
  const all = [scoped, shown].filter(Boolean).join('; ');
  return all || undefined;
}
