/**
 * Markdown for a pull-request or mailing-list comment: a summary, then one table per severity.
 * Long tables collapse into <details>, and the whole comment stays under GitHub's 65,536-character limit
 * (rows beyond a cap are counted, not dropped silently).
 */
import { SEVERITIES, type Severity } from '../engine/finding.js';
import type { Reporter, ReportFinding } from './model.js';
import { acceptanceNotes, bySeverity, clip, describeSide, readByNote, showValue, summaryLine } from './common.js';

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
  const where = f.location ? code(`${f.location.file}:${f.location.line}`) : '';
  return `| ${event} | ${f.field ? code(f.field) : ''} | ${code(f.rule)} | ${mdCell(clip(f.message, 200))}${readByNote(f) ? `<br>${mdCell(readByNote(f)!)}` : ''}${change} | ${where} |`;
}

export const renderMarkdown: Reporter = (report) => {
  const out: string[] = [];
  const shown = report.findings.filter((f) => !f.suppressed);
  const s = report.summary;
  const headline = s.error ? ICON.error : s.warning ? ICON.warning : '✅';
  out.push(`### ${headline} tpdrift: ${summaryLine(report)}`, '');
  if (report.old) out.push(`- **old:** ${mdCell(describeSide(report.old))}`, `- **new:** ${mdCell(describeSide(report.new))}`);
  else out.push(`- **source:** ${mdCell(describeSide(report.new))}`);
  for (const note of acceptanceNotes(report)) out.push(`- ${mdCell(note)}`);
  out.push('');
  if (shown.length === 0) {
    out.push('No findings.', '');
  } else {
    out.push('| Severity | Findings |', '|---|---:|');
    for (const sev of SEVERITIES) out.push(`| ${ICON[sev]} ${sev} | ${s[sev]} |`);
    out.push('');
    const byRule = new Map<string, number>();
    for (const f of shown) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
    const rules = [...byRule.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    out.push(`By rule: ${rules.map(([r, n]) => `${code(r)} ${n}`).join(', ')}`, '');
  }
  let used = out.join('\n').length + 2000;
  for (const sev of SEVERITIES) {
    const group = bySeverity(shown, sev);
    if (group.length === 0) continue;
    const table = ['| Event | Field | Rule | Finding | Location |', '|---|---|---|---|---|'];
    // Each severity may use its share of what is left, so that errors are never crowded out by info.
    const budget = (MARKDOWN_MAX_CHARS - used) / (SEVERITIES.length - SEVERITIES.indexOf(sev));
    let size = 0;
    let rows = 0;
    for (const f of group.slice(0, MARKDOWN_MAX_ROWS)) {
      const r = row(f);
      if (size + r.length + 1 > budget) break;
      table.push(r);
      size += r.length + 1;
      rows++;
    }
    used += size + 200;
    if (group.length > rows) table.push('', `… and ${group.length - rows} more ${sev} findings (see the full report).`);
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
