/**
 * The report for people: findings grouped by severity, then by event, old → new side by side,
 * and a summary line at the end.
 */
import pc from 'picocolors';
import type { Finding, Severity } from '../engine/finding.js';
import { SEVERITIES } from '../engine/finding.js';
import type { RenderOptions, ReportData, SideInfo } from './model.js';
import { acceptanceNotes, readByNote } from './common.js';
import { consumersLine } from './model.js';
import { scopeNote } from './scope.js';
import { SUMMARY_TOP_SYSTEMS, summaryTextLines, summaryView } from './summary.js';

/** From this many listed findings on, the report opens with the summary view (the list follows it). */
export const TEXT_SUMMARY_FROM = 25;

function show(v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return '(none)';
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && !Array.isArray(v) && 'decl' in v) {
    const f = v as { decl: string; size?: number; offset?: number; signed?: boolean };
    const layout = [f.size !== undefined ? `size ${f.size}` : '', f.offset !== undefined ? `@${f.offset}` : ''].filter(Boolean).join(' ');
    return layout ? `${f.decl} (${layout})` : f.decl;
  }
  return JSON.stringify(v);
}

/** Scalars and field descriptions read well as `old → new`; lists and maps are in the message already. */
function showsSideBySide(v: unknown): boolean {
  return v === null || typeof v !== 'object' || (!Array.isArray(v) && 'decl' in v);
}

function clip(s: string, max = 100): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

function side(s: SideInfo): string {
  const what = [s.release, s.arch, s.kconfig ? `with ${s.kconfig}` : undefined].filter(Boolean).join(' ');
  return `${s.label} (${s.kind}${what ? `, ${what}` : ''}, ${s.events} events)`;
}

export function renderText(report: ReportData, opts: RenderOptions): string {
  const c = pc.createColors(opts.color);
  const paint: Record<Severity, (s: string) => string> = { error: c.red, warning: c.yellow, info: c.cyan };
  const lines: string[] = [];
  if (report.old) lines.push(`${c.dim('old')} ${side(report.old)}`, `${c.dim('new')} ${side(report.new)}`, '');
  else lines.push(`${c.dim('source')} ${side(report.new)}`, '');
  const note = scopeNote(report);
  if (note) lines.splice(lines.length - 1, 0, c.dim(note));

  const shown = report.findings.filter((f) => !f.suppressed);
  if (opts.summaryOnly || shown.length >= TEXT_SUMMARY_FROM) {
    const view = summaryView(shown, report.scope?.hiddenBySystem);
    lines.push(c.bold(`SUMMARY (${view.systems.length} system${view.systems.length === 1 ? '' : 's'}${view.systems.length > SUMMARY_TOP_SYSTEMS ? `, top ${SUMMARY_TOP_SYSTEMS}` : ''})`));
    lines.push(...summaryTextLines(view));
    for (const sev of SEVERITIES) {
      const rules = view.rules.filter((r) => r.severity === sev).map((r) => `${r.rule} ${r.count}`);
      if (rules.length > 0) lines.push(`  ${paint[sev](`${sev}:`.padEnd(8))} ${rules.join(', ')}`);
    }
    lines.push('');
  }
  const summarized = opts.summaryOnly || shown.length >= TEXT_SUMMARY_FROM;
  for (const sev of opts.summaryOnly ? [] : SEVERITIES) {
    const group = shown.filter((f) => f.severity === sev);
    if (group.length === 0) continue;
    lines.push(paint[sev](c.bold(`${sev.toUpperCase()} (${group.length})`)));
    const byEvent = new Map<string, Finding[]>();
    for (const f of group) byEvent.set(f.event, [...(byEvent.get(f.event) ?? []), f]);
    for (const [event, fs] of byEvent) {
      lines.push(`  ${c.bold(event === '*' ? '(every event)' : event)}`);
      for (const f of fs) {
        const where = f.location ? c.dim(`  ${f.location.file}:${f.location.line}${f.location.side === 'old' ? ' (old side)' : ''}`) : '';
        lines.push(`    ${paint[sev](f.rule)}  ${f.message}${where}`);
        if (f.old !== undefined && f.new !== undefined && showsSideBySide(f.old) && showsSideBySide(f.new)) {
          lines.push(`      ${c.dim(clip(show(f.old)))} ${c.dim('→')} ${clip(show(f.new))}`);
        }
        const readBy = readByNote(f);
        if (readBy) lines.push(`      ${c.dim(readBy)}`);
        if (f.events && f.events.length > 1) {
          const more = f.events.length > 8 ? `, … ${f.events.length - 8} more` : '';
          lines.push(`      ${c.dim(`also: ${f.events.slice(1, 8).join(', ')}${more}`)}`);
        }
      }
    }
    lines.push('');
  }
  if (report.problems && report.problems.length > 0) {
    lines.push(c.magenta(c.bold(`NOT READ (${report.problems.length})`)));
    for (const p of report.problems.slice(0, 50)) lines.push(`  ${p.side}: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
    if (report.problems.length > 50) lines.push(`  … ${report.problems.length - 50} more (see --format json)`);
    lines.push('');
  }
  const byRule = new Map<string, number>();
  for (const f of shown) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
  if (byRule.size > 1 && !summarized) {
    const rows = [...byRule.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    lines.push(c.dim(`by rule: ${rows.map(([r, n]) => `${r} ${n}`).join(', ')}`));
  }
  for (const note of acceptanceNotes(report)) lines.push(c.dim(note));
  if (report.consumers) {
    for (const p of report.consumers.problems.slice(0, 20)) lines.push(c.dim(`consumer not read: ${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`));
    if (report.consumers.problems.length > 20) lines.push(c.dim(`… ${report.consumers.problems.length - 20} more consumer problems (see --format json)`));
    lines.push(consumersLine(report.consumers));
  }
  const s = report.summary;
  const suppressed = report.findings.length - shown.length;
  const total = s.error + s.warning + s.info;
  lines.push(
    total === 0
      ? c.green(`no findings${suppressed ? ` (${suppressed} suppressed)` : ''}`)
      : `${paint.error(`${s.error} error${s.error === 1 ? '' : 's'}`)}, ${paint.warning(`${s.warning} warning${s.warning === 1 ? '' : 's'}`)}, ${paint.info(`${s.info} info`)}${suppressed ? `, ${suppressed} suppressed` : ''}`,
  );
  return lines.join('\n') + '\n';
}
