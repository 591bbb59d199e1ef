/**
 * Accepted findings. A baseline (`--write-baseline`, `--baseline`) is machine-written: every finding of a
 * run, by fingerprint, so that a nightly job reports only what is new. A suppressions file is hand-written
 * and reviewed: each entry names a rule, an event (pattern) and optionally a field, with a mandatory reason.
 * Both mark findings `suppressed` (reports hide them or flag them); neither drops them from the data.
 */
import { InputError } from '../errors.js';
import { type Finding, fingerprint } from '../engine/finding.js';
import { eventPatternMatches } from '../engine/config.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { findRule } from '../../rules/index.js';
import { TOOL_VERSION } from '../version.js';
import { readJsonFile, validateWithSchema } from '../config/validate.js';
import type { ReportData, ReportFinding } from './model.js';

export const BASELINE_SCHEMA = 'tpdrift/baseline@1';

export interface BaselineEntry {
  fingerprint: string;
  rule: string;
  event: string;
  field?: string;
  severity: string;
  message: string;
}

export interface BaselineFile {
  schema: typeof BASELINE_SCHEMA;
  tool: { name: 'tpdrift'; version: string };
  entries: BaselineEntry[];
}

export interface SuppressionEntry {
  rule: string;
  event: string;
  field?: string;
  reason: string;
}

/** Deterministic (sorted, no timestamp): a baseline committed to a repository diffs cleanly. */
export function makeBaseline(findings: readonly Finding[]): BaselineFile {
  const byFp = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const fp = fingerprint(f);
    if (byFp.has(fp)) continue;
    const e: BaselineEntry = { fingerprint: fp, rule: f.rule, event: f.event, severity: f.severity, message: f.message };
    if (f.field !== undefined) e.field = f.field;
    byFp.set(fp, e);
  }
  const entries = [...byFp.values()].sort(
    (a, b) => cmp(a.rule, b.rule) || cmp(a.event, b.event) || cmp(a.field ?? '', b.field ?? '') || cmp(a.fingerprint, b.fingerprint),
  );
  return { schema: BASELINE_SCHEMA, tool: { name: 'tpdrift', version: TOOL_VERSION }, entries };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function writeBaseline(file: string, findings: readonly Finding[]): void {
  writeFileAtomic(file, JSON.stringify(makeBaseline(findings), null, 2) + '\n');
}

export function readBaseline(file: string): BaselineFile {
  const data = readJsonFile(file);
  validateWithSchema('baseline', data, file);
  return data as BaselineFile;
}

export function readSuppressions(file: string): SuppressionEntry[] {
  const data = readJsonFile(file);
  validateWithSchema('suppressions', data, file);
  const entries = (data as { suppressions: SuppressionEntry[] }).suppressions;
  entries.forEach((e, i) => {
    if (!findRule(e.rule)) throw new InputError(file, `suppressions[${i}].rule: no rule '${e.rule}' (see 'tpdrift rules')`);
  });
  return entries;
}

function covers(s: SuppressionEntry, f: Finding): boolean {
  if (s.rule !== f.rule) return false;
  if (s.field !== undefined && s.field !== f.field) return false;
  return (f.events ?? [f.event]).some((e) => eventPatternMatches(s.event, e));
}

export interface AcceptanceResult {
  report: ReportData;
  staleEntries: BaselineEntry[];
  unusedSuppressions: SuppressionEntry[];
}

/** Marks what a suppressions file or a baseline accepts; the summary counts only what is left. */
export function applyAcceptance(
  report: ReportData,
  input: { baseline?: { file: string; data: BaselineFile }; suppressions?: { file: string; entries: SuppressionEntry[] } },
): AcceptanceResult {
  const used = new Set<number>();
  const seen = new Set<string>();
  const baselineFps = new Set(input.baseline?.data.entries.map((e) => e.fingerprint) ?? []);
  let matchedBaseline = 0;
  let matchedSuppressions = 0;
  const findings: ReportFinding[] = report.findings.map((f) => {
    const fp = fingerprint(f);
    seen.add(fp);
    const i = input.suppressions?.entries.findIndex((s) => covers(s, f)) ?? -1;
    if (i >= 0) {
      used.add(i);
      matchedSuppressions++;
      return { ...f, suppressed: true, suppression: { kind: 'suppression', reason: input.suppressions!.entries[i]!.reason } };
    }
    if (baselineFps.has(fp)) {
      matchedBaseline++;
      return { ...f, suppressed: true, suppression: { kind: 'baseline' } };
    }
    return f;
  });
  const out: ReportData = { ...report, findings, summary: { error: 0, warning: 0, info: 0 } };
  for (const f of findings) if (!f.suppressed) out.summary[f.severity]++;
  if (out.consumers) {
    const affected = new Set<string>();
    for (const f of findings) if (f.rule === 'consumer-break' && f.consumer && !f.suppressed && f.severity !== 'info') affected.add(f.consumer.tool);
    out.consumers = { ...out.consumers, affected: [...affected].sort() };
  }
  const staleEntries = input.baseline ? input.baseline.data.entries.filter((e) => !seen.has(e.fingerprint)) : [];
  const unusedSuppressions = input.suppressions ? input.suppressions.entries.filter((_, i) => !used.has(i)) : [];
  if (input.baseline) {
    out.baseline = { file: input.baseline.file, entries: input.baseline.data.entries.length, matched: matchedBaseline, stale: staleEntries.length };
  }
  if (input.suppressions) {
    out.suppressionsFile = { file: input.suppressions.file, entries: input.suppressions.entries.length, matched: matchedSuppressions, unused: unusedSuppressions.length };
  }
  return { report: out, staleEntries, unusedSuppressions };
}

