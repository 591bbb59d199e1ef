import { createHash } from 'node:crypto';
import type { SourceLocation } from '../model/snapshot.js';
import type { ConsumerRef } from './rule.js';

/** A tool that reads what a drift finding touches: its first use of it. */
export interface ConsumerSummary {
  tool: string;
  file: string;
  line?: number;
}

export type Severity = 'error' | 'warning' | 'info';
export type SeverityOrOff = Severity | 'off';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export function severityRank(s: Severity): number {
  return s === 'error' ? 3 : s === 'warning' ? 2 : 1;
}

export type FindingLocation = SourceLocation & { side?: 'old' };

export interface Finding {
  rule: string;
  severity: Severity;
  /** `system:name`; for a finding that covers several events, the first of them. */
  event: string;
  field?: string;
  message: string;
  old?: unknown;
  new?: unknown;
  /**
   * Into the new side when it is a source tree or a patch; a finding about something the new side no longer
   * has (a removed event) points at the old side's definition, with `side: 'old'`.
   */
  location?: FindingLocation;
  /** Every event one change covers (a DECLARE_EVENT_CLASS change fans out), sorted. */
  events?: string[];
  /** consumer-break: the consumer use that breaks, and the drift rule naming the kernel change behind it. */
  consumer?: ConsumerRef;
  cause?: string;
  /** Drift findings, when consumers were given: the tools that read what this finding touches. */
  consumers?: ConsumerSummary[];
  /** Set when a baseline or suppression accepts this finding (reports may still show it). */
  suppressed?: boolean;
}

/**
 * What identifies a finding across runs: rule, event and field, never a line number or a message,
 * so that moving code or rewording a message does not make an accepted finding new again.
 */
export function fingerprint(f: Pick<Finding, 'rule' | 'event' | 'field'> & { consumer?: Pick<ConsumerRef, 'tool'> }): string {
  // A consumer finding is also told apart by the tool (many tools read one field); others keep their digest.
  const tool = f.consumer ? `\0${f.consumer.tool}` : '';
  return createHash('sha256').update(`${f.rule}\0${f.event}\0${f.field ?? ''}${tool}`).digest('hex').slice(0, 32);
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    cmp(a.event, b.event) ||
    cmp(a.rule, b.rule) ||
    cmp(a.field ?? '', b.field ?? '') ||
    cmp(a.consumer?.tool ?? '', b.consumer?.tool ?? '') ||
    cmp(a.message, b.message)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type Summary = Record<Severity, number>;

export function summarize(findings: readonly Finding[]): Summary {
  const s: Summary = { error: 0, warning: 0, info: 0 };
  for (const f of findings) if (!f.suppressed) s[f.severity]++;
  return s;
}
