/**
 * GitHub Actions workflow commands: one annotation per finding (`::error`, `::warning`, `::notice`),
 * then the full text report for the log. Data is escaped (% \r \n), properties also : and ,.
 */
import type { Severity } from '../engine/finding.js';
import type { Reporter, ReportFinding } from './model.js';
import { renderText } from './text.js';
import { readByNote } from './common.js';

/** Notices (info findings) beyond this are counted, not annotated: GitHub shows a handful per step anyway. */
export const GITHUB_MAX_NOTICES = 100;

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export function annotation(f: ReportFinding): string {
  const props: string[] = [];
  // An old-side location names a line the new tree no longer has: the message carries it instead.
  if (f.location && f.location.side !== 'old') {
    props.push(`file=${escapeProperty(f.location.file)}`, `line=${f.location.line}`);
  }
  props.push(`title=${escapeProperty(`tpdrift ${f.rule}: ${f.event}${f.field ? `.${f.field}` : ''}`)}`);
  const more = f.events && f.events.length > 1 ? ` (${f.events.length} events: ${f.events.slice(0, 10).join(', ')}${f.events.length > 10 ? ', …' : ''})` : '';
  // The tools it breaks, on a line of their own: what a reviewer of the pull request most needs to see.
  const readBy = readByNote(f);
  return `::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(`${f.event}${f.field ? ` field ${f.field}` : ''}: ${f.message}${more}${f.location?.side === 'old' ? ` (${f.location.file}:${f.location.line} on the old side)` : ''}${readBy ? `\n${readBy}` : ''}`)}`;
}

export const renderGithub: Reporter = (report, opts) => {
  const lines: string[] = [];
  const shown = report.findings.filter((f) => !f.suppressed);
  let notices = 0;
  for (const f of shown) {
    if (f.severity === 'info' && ++notices > GITHUB_MAX_NOTICES) continue;
    lines.push(annotation(f));
  }
  if (notices > GITHUB_MAX_NOTICES) {
    lines.push(`::notice title=tpdrift::${escapeData(`${notices - GITHUB_MAX_NOTICES} more info findings are in the report below`)}`);
  }
  return lines.join('\n') + (lines.length ? '\n' : '') + renderText(report, { ...opts, color: false });
};
