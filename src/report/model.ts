/** What every reporter renders: the JSON contract of DESIGN.md, built once. */
import type { Problem } from '../model/snapshot.js';
import type { SideInfo } from '../model/side.js';
import { TOOL_VERSION } from '../version.js';
import type { ConsumerInventory, ConsumerProblem } from '../consumers/model.js';
import { type Finding, type Summary, summarize } from '../engine/finding.js';
import type { ScopeInfo } from './scope.js';

export type { SideInfo } from '../model/side.js';

/** Why a finding is suppressed: it is in the baseline, or a reviewed entry of a suppressions file accepts it. */
export interface Acceptance {
  kind: 'baseline' | 'suppression';
  /** The reviewer's reason (suppressions file). */
  reason?: string;
}

/** A finding as reports carry it: the engine's Finding, plus why it is suppressed when it is. */
export type ReportFinding = Finding & { suppression?: Acceptance };

/** What `--baseline FILE` did (only present when one was given). */
export interface BaselineInfo {
  file: string;
  /** Entries in the baseline file. */
  entries: number;
  /** Current findings the baseline accepted (suppressed). */
  matched: number;
  /** Entries no current finding matches any more (fixed, or reworded into another rule/event/field). */
  stale: number;
}

/** What `--suppressions FILE` did (only present when one was given). */
export interface SuppressionsInfo {
  file: string;
  entries: number;
  matched: number;
  /** Entries that matched no finding. */
  unused: number;
}

/** One event's record layout on one side, for reports that draw it (HTML). */
export interface EventLayout {
  fields: { name: string; decl: string; offset?: number; size?: number; signed?: boolean }[];
  print?: string;
}

/** The consumers a report checked (only present when some were given). */
export interface ConsumersInfo {
  /** Tools read, and how many of them have any trace event use. */
  tools: number;
  reading: number;
  uses: number;
  /** Tools with an unsuppressed consumer-break above info: what the change breaks. */
  affected: string[];
  /** What the consumer readers could not read. */
  problems: ConsumerProblem[];
}

export interface ReportData {
  tool: { name: 'tpdrift'; version: string };
  old?: SideInfo;
  new: SideInfo;
  findings: ReportFinding[];
  summary: Summary;
  /** Definitions a side could not read (tree sources carry on past them). */
  problems?: (Problem & { side: 'old' | 'new' })[];
  baseline?: BaselineInfo;
  suppressionsFile?: SuppressionsInfo;
  consumers?: ConsumersInfo;
  /** What --events/--path/--show left out (only present when one was given). */
  scope?: ScopeInfo;
  /**
   * Old and new layouts of the events findings name, by `system:name` (built for the HTML report only;
   * the JSON reporter leaves it out so that the JSON contract stays as it is).
   */
  layouts?: Record<string, { old?: EventLayout; new?: EventLayout; renamedTo?: string }>;
}

export function makeReport(input: {
  old?: SideInfo;
  new: SideInfo;
  findings: Finding[];
  problems?: (Problem & { side: 'old' | 'new' })[];
  consumers?: ConsumerInventory;
}): ReportData {
  const r: ReportData = { tool: { name: 'tpdrift', version: TOOL_VERSION } } as ReportData;
  if (input.old) r.old = input.old;
  r.new = input.new;
  r.findings = input.findings;
  r.summary = summarize(input.findings);
  if (input.problems && input.problems.length > 0) r.problems = input.problems;
  if (input.consumers) r.consumers = consumersInfo(input.consumers, input.findings);
  return r;
}

export interface RenderOptions {
  color: boolean;
  /** Where the command ran: public reports (markdown) show paths relative to it, never a local absolute path. */
  cwd?: string;
  /** The user's home directory, shown as `~` in public reports. */
  home?: string;
  /** The summary view alone (counts by system × severity and by rule), without the list of findings. */
  summaryOnly?: boolean;
  /** Where a reporter says something about its output (e.g. SARIF cut to GitHub's limits): stderr. */
  warn?: (message: string) => void;
}

export type Reporter = (report: ReportData, opts: RenderOptions) => string;

export function consumersInfo(inv: ConsumerInventory, findings: readonly Finding[]): ConsumersInfo {
  const affected = new Set<string>();
  for (const f of findings) if (f.rule === 'consumer-break' && f.consumer && !f.suppressed && f.severity !== 'info') affected.add(f.consumer.tool);
  return {
    tools: inv.tools.length,
    reading: new Set(inv.uses.map((u) => u.tool)).size,
    uses: inv.uses.length,
    affected: [...affected].sort(),
    problems: inv.problems,
  };
}

/** The summary sentence about consumers, for text-like reports. */
export function consumersLine(c: ConsumersInfo): string {
  return `consumers: ${c.affected.length} of ${c.reading} tools reading trace events affected${c.affected.length ? ` (${c.affected.join(', ')})` : ''}; ${c.uses} uses in ${c.tools} files read${c.problems.length ? `, ${c.problems.length} not read` : ''}`;
}
