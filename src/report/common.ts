/** Small helpers the report formats share. */
import type { Severity } from '../engine/finding.js';
import type { ReportData, ReportFinding, SideInfo } from './model.js';

export function describeSide(s: SideInfo): string {
  const what = [s.release, s.arch, s.kconfig ? `with ${s.kconfig}` : undefined].filter(Boolean).join(' ');
  return `${s.label} (${s.kind}${what ? `, ${what}` : ''}, ${s.events} events)`;
}

/**
 * A path as a report meant for others shows it: relative to the working directory when under it, `~/…` under
 * the home directory, else as given. Parts after the path (` + x.patch`) are kept.
 */
export function publicLabel(label: string, cwd: string | undefined, home: string | undefined): string {
  return label
    .split(' + ')
    .map((part) => {
      if (!part.startsWith('/')) return part;
      if (cwd && (part === cwd || part.startsWith(cwd.replace(/\/+$/, '') + '/'))) return part.slice(cwd.replace(/\/+$/, '').length + 1) || '.';
      if (home && home !== '/' && part.startsWith(home.replace(/\/+$/, '') + '/')) return `~/${part.slice(home.replace(/\/+$/, '').length + 1)}`;
      return part;
    })
    .join(' + ');
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summaryLine(report: ReportData): string {
  const s = report.summary;
  const suppressed = report.findings.filter((f) => f.suppressed).length;
  const consumers = report.consumers ? `; ${report.consumers.affected.length} of ${plural(report.consumers.reading, 'tool')} affected` : '';
  return `${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}, ${s.info} info${suppressed ? `, ${suppressed} suppressed` : ''}${consumers}`;
}

/** The tools a drift finding touches, as one short line (`read by: runqlat.bt (file:21), ...`). */
export function readByNote(f: ReportFinding, max = 6): string | undefined {
  if (!f.consumers || f.consumers.length === 0) return undefined;
  const shown = f.consumers.slice(0, max).map((c) => `${c.tool} (${c.file}${c.line !== undefined ? `:${c.line}` : ''})`);
  return `read by: ${shown.join(', ')}${f.consumers.length > max ? `, … ${f.consumers.length - max} more` : ''}`;
}

/** Notes about the baseline and the suppressions file, one line each. */
export function acceptanceNotes(report: ReportData): string[] {
  const out: string[] = [];
  const b = report.baseline;
  if (b) {
    out.push(
      `baseline ${b.file}: ${b.matched} of ${plural(b.entries, 'entry').replace('entrys', 'entries')} matched${b.stale ? `, ${b.stale} stale (no longer found)` : ''}`,
    );
  }
  const s = report.suppressionsFile;
  if (s) {
    out.push(`suppressions ${s.file}: ${s.matched} finding(s) accepted${s.unused ? `, ${s.unused} entr${s.unused === 1 ? 'y' : 'ies'} matched nothing` : ''}`);
  }
  return out;
}

export function bySeverity(findings: readonly ReportFinding[], sev: Severity): ReportFinding[] {
  return findings.filter((f) => f.severity === sev);
}

/** A value as one short line (field descriptions `{decl,size,offset}`, scalars, lists). */
export function showValue(v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return '(none)';
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && !Array.isArray(v) && 'decl' in v) {
    const f = v as { decl: string; size?: number; offset?: number };
    const layout = [f.size !== undefined ? `size ${f.size}` : '', f.offset !== undefined ? `@${f.offset}` : ''].filter(Boolean).join(' ');
    return layout ? `${f.decl} (${layout})` : f.decl;
  }
  return JSON.stringify(v);
}

export function clip(s: string, max = 120): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}
