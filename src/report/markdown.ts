/**
 * Markdown for a pull-request or mailing-list comment: a summary, then one table per severity.
 * Long tables collapse into <details>, and the whole comment stays under GitHub's 65,536-character limit
 * (rows beyond a cap are counted, not dropped silently).
 */
import { SEVERITIES, type Severity, type Summary } from '../engine/finding.js';
import type { Reporter, ReportFinding, SideInfo } from './model.js';
import { acceptanceNotes, bySeverity, clip, describeSide, publicLabel, readByNote, showValue, summaryLine } from './common.js';
import { scopeNote } from './scope.js';
import { summaryView } from './summary.js';

/** Systems the summary table lists before one "N more" row. */
export const MARKDOWN_TOP_SYSTEMS = 15;

/** Tables longer than this collapse. */
export const MARKDOWN_COLLAPSE_ROWS = 10;
/** Rows shown per severity; the rest are counted. */
export const MARKDOWN_MAX_ROWS = 250;
/** GitHub refuses comments over 65,536 characters: tables stop short of it, with a count of what is left. */
export const MARKDOWN_MAX_CHARS = 60_000;

const TITLE: Record<Severity, string> = { error: 'Errors', warning: 'Warnings', info: 'Info' };
const ICON: Record<Severity, string> = { error: '🔴', warning: '🟠', info: '🔵' };

/** A table cell: no pipes, no newlines, no HTML. */
export function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
}

function code(s: string): string {
  if (s === '') return '';
  const t = s.replace(/\r?\n/g, ' ');
  // Inside a code span only backticks matter; a pipe still ends a table cell, so it is escaped too.
  const tick = t.includes('`') ? '``' : '`';
  return `${tick}${t.includes('`') ? ' ' : ''}${t.replace(/\|/g, '\\|')}${t.includes('`') ? ' ' : ''}${tick}`;
}

function row(f: ReportFinding): string {
  const event = f.events && f.events.length > 1 ? `${code(f.event)} +${f.events.length - 1}` : code(f.event);
  const change =
    f.old !== undefined && f.new !== undefined && (typeof f.old !== 'object' || (f.old !== null && 'decl' in (f.old as object)))
      ? ` (${code(clip(showValue(f.old), 60))} → ${code(clip(showValue(f.new), 60))})`
      : '';
  const where = f.location ? `${code(`${f.location.file}:${f.location.line}`)}${f.location.side === 'old' ? ' (old side)' : ''}` : '';
  return `| ${event} | ${f.field ? code(f.field) : ''} | ${code(f.rule)} | ${mdCell(clip(f.message, 200))}${readByNote(f) ? `<br>${mdCell(readByNote(f)!)}` : ''}${change} | ${where} |`;
}

export const renderMarkdown: Reporter = (report, opts) => {
  const out: string[] = [];
  const shown = report.findings.filter((f) => !f.suppressed);
  const s = report.summary;
  const headline = s.error ? ICON.error : s.warning ? ICON.warning : '✅';
  out.push(`### ${headline} tpdrift: ${summaryLine(report)}`, '');
  const side = (x: SideInfo): string => mdCell(describeSide({ ...x, label: publicLabel(x.label, opts.cwd, opts.home) }));
  if (report.old) out.push(`- **old:** ${side(report.old)}`, `- **new:** ${side(report.new)}`);
  else out.push(`- **source:** ${side(report.new)}`);
  for (const note of acceptanceNotes(report)) out.push(`- ${mdCell(note)}`);
  const scoped = scopeNote(report);
  if (scoped) out.push(`- ${mdCell(scoped)}`);
  out.push('');
  if (shown.length === 0) {
    out.push('No findings.', '');
  } else {
    // Counted from the summary (which includes what --show does not list), by system from the listed findings.
    out.push(...summaryTable(shown, report.scope?.hiddenBySystem), '');
    const view = summaryView(shown);
    const bySev = SEVERITIES.map((sev) => [sev, view.rules.filter((r) => r.severity === sev)] as const).filter(([, rs]) => rs.length > 0);
    out.push(`By rule: ${bySev.map(([sev, rs]) => `${ICON[sev]} ${rs.map((r) => `${code(r.rule)} ${r.count}`).join(', ')}`).join('; ')}`, '');
  }
  let used = out.join('\n').length + 2000;
  // A lower severity gets rows only when every higher one was listed in full: never drop an error to show an info.
  let cut = false;
  for (const sev of opts.summaryOnly ? [] : SEVERITIES) {
    const group = bySeverity(shown, sev);
    if (group.length === 0) continue;
    const table = ['| Event | Field | Rule | Finding | Location |', '|---|---|---|---|---|'];
    const budget = MARKDOWN_MAX_CHARS - used;
    let size = 0;
    let rows = 0;
    for (const f of cut ? [] : group.slice(0, MARKDOWN_MAX_ROWS)) {
      const r = row(f);
      if (size + r.length + 1 > budget) break;
      table.push(r);
      size += r.length + 1;
      rows++;
    }
    used += size + 200;
    if (rows < group.length) cut = true;
    if (rows === 0) table.length = 0;
    if (group.length > rows) {
      table.push(
        ...(rows > 0 ? [''] : []),
        rows === 0
          ? `${group.length} ${sev} finding${group.length === 1 ? '' : 's'} not listed here: the more severe findings above use the comment's room (see the full report).`
          : `… and ${group.length - rows} more ${sev} findings (see the full report).`,
      );
    }
    const title = `${ICON[sev]} ${TITLE[sev]} (${group.length})`;
    if (group.length > MARKDOWN_COLLAPSE_ROWS) {
      out.push(`<details${sev === 'error' ? ' open' : ''}><summary><b>${title}</b></summary>`, '', ...table, '', '</details>', '');
    } else {
      out.push(`#### ${title}`, '', ...table, '');
    }
  }
  if (report.problems && report.problems.length > 0) {
    out.push(`<details><summary>Not read (${report.problems.length})</summary>`, '');
    for (const p of report.problems.slice(0, 50)) out.push(`- ${p.side}: ${code(`${p.file}${p.line ? `:${p.line}` : ''}`)} ${mdCell(p.message)}`);
    if (report.problems.length > 50) out.push(`- … ${report.problems.length - 50} more`);
    out.push('', '</details>', '');
  }
  out.push(`<sub>tpdrift ${report.tool.version}</sub>`);
  return out.join('\n') + '\n';
};

/** Severity × system counts: a totals row, then the systems with the most severe findings first. */
function summaryTable(shown: readonly ReportFinding[], notListed?: Record<string, Summary>): string[] {
  const view = summaryView(shown, notListed);
  const rows = ['| System | 🔴 error | 🟠 warning | 🔵 info |', '|---|---:|---:|---:|'];
  const total = { error: 0, warning: 0, info: 0 };
  for (const r of view.systems) for (const k of SEVERITIES) total[k] += r[k];
  rows.push(`| **all ${view.systems.length} systems** | **${total.error}** | **${total.warning}** | **${total.info}** |`);
  for (const r of view.systems.slice(0, MARKDOWN_TOP_SYSTEMS)) rows.push(`| ${mdCell(r.system)} | ${r.error} | ${r.warning} | ${r.info} |`);
  const rest = view.systems.slice(MARKDOWN_TOP_SYSTEMS);
  if (rest.length > 0) {
    const sum = (k: Severity): number => rest.reduce((n, r) => n + r[k], 0);
    rows.push(`| ${rest.length} more systems | ${sum('error')} | ${sum('warning')} | ${sum('info')} |`);
  }
  return rows;
}
