/** What every reporter renders: the JSON contract of DESIGN.md, built once. */
import type { Problem, SourceKind } from '../model/snapshot.js';
import { TOOL_VERSION } from '../version.js';
import { type Finding, type Summary, summarize } from '../engine/finding.js';

export interface SideInfo {
  label: string;
  kind: SourceKind;
  events: number;
  release?: string;
  arch?: string;
}

export interface ReportData {
  tool: { name: 'tpdrift'; version: string };
  old?: SideInfo;
  new: SideInfo;
  findings: Finding[];
  summary: Summary;
  /** Definitions a side could not read (tree sources carry on past them). */
  problems?: (Problem & { side: 'old' | 'new' })[];
}

export function makeReport(input: {
  old?: SideInfo;
  new: SideInfo;
  findings: Finding[];
  problems?: (Problem & { side: 'old' | 'new' })[];
}): ReportData {
  const r: ReportData = { tool: { name: 'tpdrift', version: TOOL_VERSION } } as ReportData;
  if (input.old) r.old = input.old;
  r.new = input.new;
  r.findings = input.findings;
  r.summary = summarize(input.findings);
  if (input.problems && input.problems.length > 0) r.problems = input.problems;
  return r;
}

export interface RenderOptions {
  color: boolean;
}

export type Reporter = (report: ReportData, opts: RenderOptions) => string;
