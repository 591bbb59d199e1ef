/**
 * The rule API. A rule is one module under rules/: its metadata and a pure check over either a
 * Comparison (drift rules) or one snapshot (audit rules). Rules report; the engine decides severity,
 * grouping, suppression and order.
 */
import type { Comparison } from '../diff/compare.js';
import type { EventDef, Snapshot, SourceLocation } from '../model/snapshot.js';
import type { AttachKind, ConsumerFamily, ReadMode, Use } from '../consumers/model.js';
import type { Finding, FindingLocation, Severity } from './finding.js';

export type RuleCategory = 'drift' | 'audit' | 'consumer';

export interface RuleMeta {
  id: string;
  category: RuleCategory;
  severity: Severity;
  /** One line, for `tpdrift rules` and SARIF's shortDescription. */
  description: string;
  /**
   * The options the rule reads (`{"rules": {"<id>": {"options": {...}}}}` in a config), each as a JSON Schema:
   * schema/config.schema.json's rule section is generated from them (src/config/config-schema.ts).
   */
  options?: Readonly<Record<string, RuleOption>>;
}

/** One rule option, as the subset of JSON Schema (draft-07) the config schema uses. */
export interface RuleOption {
  type: 'integer' | 'number' | 'string' | 'boolean' | 'array';
  minimum?: number;
  items?: { type: 'string'; pattern?: string };
  default?: number | string | boolean | readonly string[];
  description: string;
}

/** What a rule reports; the engine fills in severity (unless the rule sets a variant) and sorts. */
export interface Report {
  event: string;
  field?: string;
  message: string;
  old?: unknown;
  new?: unknown;
  /** Into the new side; `side: 'old'` when only the old side has it (what a removal removed). */
  location?: FindingLocation;
  /** A rule may escalate or lower its own default for a case (e.g. a patch adding a hard-coded field). */
  severity?: Severity;
  /** Events one change covers; the engine also groups identical class-wide findings itself. */
  events?: string[];
  /** The DECLARE_EVENT_CLASS this finding comes from, for fan-out grouping. */
  class?: string;
  /** Consumer rules: the use that breaks. */
  consumer?: ConsumerRef;
  /** Consumer rules: the kernel change behind it, as the drift rule id that reports it. */
  cause?: string;
}

/** A consumer use as findings name it. */
export interface ConsumerRef {
  tool: string;
  family: ConsumerFamily;
  file: string;
  line?: number;
  read: ReadMode;
  attach: AttachKind;
  guarded?: string;
}

export type Emit = (r: Report) => void;

export interface DriftRule {
  meta: RuleMeta & { category: 'drift' };
  check(cmp: Comparison, emit: Emit, options: Record<string, unknown>): void;
}

export interface AuditContext {
  snapshot: Snapshot;
  /** The events to audit: all of them in `lint`, what the new side adds or changes in `diff`/`check-patch`. */
  events: EventDef[];
  /** True when auditing what a change adds (a patch, the new side of a diff), false for a whole-tree lint. */
  isChange: boolean;
  /**
   * All events of the snapshot (for cross-event rules). An indexed snapshot decodes them all when this is
   * read: a rule that needs only some asks `lookup` (through `eventLookups`).
   */
  all: EventDef[];
  /** Lookups over `all` that an indexed snapshot answers decoding only what they return. */
  lookup?: AuditLookup;
  /** In a diff or patch check: the events the change adds (not only changes). */
  added?: EventDef[];
}

/** Questions about all of a snapshot's events; each answer in the snapshot's order. */
export interface AuditLookup {
  /** The events with this `system:name` key. */
  byKey(key: string): EventDef[];
  /** Every event with e's system, kind, TP_PROTO and print format (e's own included): a superset of e's look-alikes. */
  alike(e: EventDef): EventDef[];
}

export interface AuditRule {
  meta: RuleMeta & { category: 'audit' };
  check(ctx: AuditContext, emit: Emit, options: Record<string, unknown>): void;
}

/**
 * What a consumer rule sees: the consumers' uses, and either a comparison with the drift findings it gave
 * (`diff`, `check-patch`, `history`) or one kernel alone (`consumers --against`).
 */
export interface ConsumerContext {
  uses: readonly Use[];
  /** The kernel the uses are checked against: the comparison's new side, or the `--against` source. */
  kernel: Snapshot;
  /** In a diff: the comparison and the drift findings it produced (after severity and grouping). */
  cmp?: Comparison;
  drift?: readonly Finding[];
}

export interface ConsumerRule {
  meta: RuleMeta & { category: 'consumer' };
  check(ctx: ConsumerContext, emit: Emit, options: Record<string, unknown>): void;
}

export type Rule = DriftRule | AuditRule | ConsumerRule;

export function isDriftRule(r: Rule): r is DriftRule {
  return r.meta.category === 'drift';
}

export function isAuditRule(r: Rule): r is AuditRule {
  return r.meta.category === 'audit';
}

export function isConsumerRule(r: Rule): r is ConsumerRule {
  return r.meta.category === 'consumer';
}
