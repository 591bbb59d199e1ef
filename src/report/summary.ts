/**
 * The summary view: findings counted by system × severity (the systems with the most severe findings
 * first) and by rule, for a report's first screen; the full list follows it.
 */
import type { Severity, Summary } from '../engine/finding.js';
import type { ReportFinding } from './model.js';

export interface SystemRow {
  /** The event's system; `(every event)` for a change of the common header. */
  system: string;
  error: number;
  warning: number;
  info: number;
  total: number;
}

export interface SummaryView {
  systems: SystemRow[];
  rules: { rule: string; severity: Severity; count: number }[];
}

export function systemOf(event: string): string {
  if (event === '*') return '(every event)';
  const system = event.slice(0, event.indexOf(':') < 0 ? event.length : event.indexOf(':'));
  // A BTF side's events have no TRACE_SYSTEM (`:sched_switch`).
  return system === '' ? '(no system)' : system;
}

/** Counts of the unsuppressed findings; systems ordered by errors, then warnings, then info, then name. */
export function summaryView(findings: readonly ReportFinding[], notListed: Readonly<Record<string, Summary>> = {}): SummaryView {
  const systems = new Map<string, SystemRow>();
  // Findings --show did not list still count in their system's row.
  for (const [name, s] of Object.entries(notListed)) {
    systems.set(name, { system: name, error: s.error, warning: s.warning, info: s.info, total: s.error + s.warning + s.info });
  }
  const rules = new Map<string, { rule: string; severity: Severity; count: number }>();
  for (const f of findings) {
    if (f.suppressed) continue;
    const name = systemOf(f.event);
    const row = systems.get(name) ?? { system: name, error: 0, warning: 0, info: 0, total: 0 };
    row[f.severity]++;
    row.total++;
    systems.set(name, row);
    const key = `${f.rule}\0${f.severity}`;
    const r = rules.get(key) ?? { rule: f.rule, severity: f.severity, count: 0 };
    r.count++;
    rules.set(key, r);
  }
  const sevOrder: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  return {
    systems: [...systems.values()].sort(
      (a, b) => b.error - a.error || b.warning - a.warning || b.info - a.info || (a.system < b.system ? -1 : a.system > b.system ? 1 : 0),
    ),
    rules: [...rules.values()].sort(
      (a, b) => sevOrder[a.severity] - sevOrder[b.severity] || b.count - a.count || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
    ),
  };
}

/** How many systems a first screen lists before "… N more systems". */
export const SUMMARY_TOP_SYSTEMS = 15;

/** The summary view as aligned text lines (no colour; the text reporter paints them). */
export function summaryTextLines(view: SummaryView, top = SUMMARY_TOP_SYSTEMS): string[] {
  const shown = view.systems.slice(0, top);
  const rest = view.systems.slice(top);
  const w = Math.max(6, ...shown.map((r) => r.system.length), rest.length ? `${rest.length} more`.length : 0);
  const num = (n: number): string => String(n).padStart(7);
  const lines = [`  ${'system'.padEnd(w)} ${'error'.padStart(7)} ${'warning'.padStart(7)} ${'info'.padStart(7)}`];
  for (const r of shown) lines.push(`  ${r.system.padEnd(w)} ${num(r.error)} ${num(r.warning)} ${num(r.info)}`);
  if (rest.length > 0) {
    const sum = (k: Severity): number => rest.reduce((n, r) => n + r[k], 0);
    lines.push(`  ${`${rest.length} more`.padEnd(w)} ${num(sum('error'))} ${num(sum('warning'))} ${num(sum('info'))}`);
  }
  return lines;
}
