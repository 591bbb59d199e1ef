/**
 * Runs rules and turns their reports into findings: severity from defaults, rule variants and
 * configuration; class-wide changes grouped into one finding; a stable order.
 */
import type { Comparison } from '../diff/compare.js';
import type { EventDef } from '../model/snapshot.js';
import { eventKey } from '../model/snapshot.js';
import { RULES } from '../../rules/index.js';
import type { Use } from '../consumers/model.js';
import { resolveUse } from '../consumers/check.js';
import { type AuditContext, type ConsumerContext, type Report, type Rule, isAuditRule, isConsumerRule, isDriftRule } from './rule.js';
import { filteredLookup, indexLookup, listLookup } from './lookup.js';
import { indexOf } from '../model/event-index.js';
import { type EngineConfig, EMPTY_CONFIG, eventPatternMatches } from './config.js';
import { type Finding, type SeverityOrOff, compareFindings } from './finding.js';

function resolveSeverity(rule: Rule, report: Report, config: EngineConfig): SeverityOrOff {
  let severity: SeverityOrOff = config.rules[rule.meta.id]?.severity ?? report.severity ?? rule.meta.severity;
  for (const o of config.overrides) {
    const s = o.rules[rule.meta.id]?.severity;
    if (s !== undefined && o.events.some((p) => eventPatternMatches(p, report.event))) severity = s;
  }
  return severity;
}

/**
 * One change to a DECLARE_EVENT_CLASS shows up in every event defined through it: report it once, with
 * every event listed, instead of once per event.
 */
function groupByClass(reports: Report[]): Report[] {
  const groups = new Map<string, Report[]>();
  const out: Report[] = [];
  for (const r of reports) {
    if (!r.class || r.events) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.class, r.field ?? null, r.message, r.old ?? null, r.new ?? null, r.severity ?? null]);
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  for (const g of groups.values()) {
    if (g.length === 1) {
      out.push(g[0]!);
      continue;
    }
    const events = g.map((r) => r.event).sort();
    const first = g.find((r) => r.event === events[0])!;
    out.push({ ...first, events, message: `${first.message} (class ${first.class}, ${events.length} events)` });
  }
  return out;
}

function toFindings(rule: Rule, reports: Report[], config: EngineConfig): Finding[] {
  const findings: Finding[] = [];
  for (const r of groupByClass(reports)) {
    const severity = resolveSeverity(rule, r, config);
    if (severity === 'off') continue;
    const f: Finding = { rule: rule.meta.id, severity, event: r.event, message: r.message };
    if (r.field !== undefined) f.field = r.field;
    if (r.old !== undefined) f.old = r.old;
    if (r.new !== undefined) f.new = r.new;
    if (r.location !== undefined) f.location = r.location;
    if (r.events !== undefined) f.events = r.events;
    if (r.consumer !== undefined) f.consumer = r.consumer;
    if (r.cause !== undefined) f.cause = r.cause;
    findings.push(f);
  }
  return findings;
}

function collect(run: (emit: (r: Report) => void) => void): Report[] {
  const reports: Report[] = [];
  run((r) => reports.push(r));
  return reports;
}

export interface RunOptions {
  config?: EngineConfig;
  rules?: readonly Rule[];
  /** Consumers' uses: with them, a diff also runs the consumer rules. */
  uses?: readonly Use[];
}

/** Events the new side adds or changes: what audit rules look at in a diff. */
/**
 * Events the new side adds or changes: what audit rules look at in a diff. "Changed" means a drift rule
 * reported something about the event itself (with whatever severity, even one configured off); a change
 * of the common header alone moves every offset but changes no event, so it does not make all of them audited.
 */
export function changedEvents(cmp: Comparison, driftReports: Report[]): EventDef[] {
  const touched = new Set<string>();
  for (const r of driftReports) for (const k of r.events ?? [r.event]) touched.add(k);
  const changed = cmp.pairs.filter((p) => touched.has(eventKey(p.new)) || touched.has(eventKey(p.old))).map((p) => p.new);
  return [...cmp.added, ...changed];
}

/**
 * What the audit rules get in a diff: one side's changed events, with `all` of that side read only if a rule
 * asks, and an indexed side's lookups answered from its index (decoding only what they return).
 */
function auditInput(side: Comparison['new'], events: EventDef[], extra: { added?: EventDef[] }): AuditContext {
  const input: AuditContext = {
    snapshot: side,
    events,
    get all() {
      return side.events;
    },
    isChange: true,
  };
  if (extra.added) input.added = extra.added;
  const index = indexOf(side);
  if (index) input.lookup = indexLookup(index);
  return input;
}

export function runDiff(cmp: Comparison, opts: RunOptions = {}): Finding[] {
  const config = opts.config ?? EMPTY_CONFIG;
  const rules = opts.rules ?? RULES;
  const findings: Finding[] = [];
  const driftReports: Report[] = [];
  for (const rule of rules) {
    const options = config.rules[rule.meta.id]?.options ?? {};
    if (isDriftRule(rule)) {
      const reports = collect((emit) => rule.check(cmp, emit, options));
      driftReports.push(...reports);
      findings.push(...toFindings(rule, reports, config));
    }
  }
  const audited = changedEvents(cmp, driftReports);
  if (audited.length > 0) {
    const after = runAudit(auditInput(cmp.new, audited, { added: cmp.added }), { config, rules });
    findings.push(...introducedAuditFindings(cmp, audited, after, { config, rules }));
  }
  if (opts.uses) {
    const drift = findings.filter((f) => rules.some((r) => isDriftRule(r) && r.meta.id === f.rule)).sort(compareFindings);
    findings.push(...runConsumers({ uses: opts.uses, kernel: cmp.new, cmp, drift }, { config, rules }));
    annotateConsumers(drift, opts.uses, cmp);
  }
  return findings.sort(compareFindings);
}

/**
 * The audit findings a change introduces: the new side's, less those its old side already had for the same
 * event (through renames), rule and field. A change that touches every event (a compiler flag that flips
 * char's signedness) must not blame itself for every old flaw of the tree.
 */
export function introducedAuditFindings(cmp: Comparison, audited: readonly EventDef[], after: Finding[], opts: RunOptions): Finding[] {
  if (after.length === 0) return after;
  // Only an old event whose new side has a finding can take one away, and every audit rule's findings about an
  // event come from that event (and, for look-alikes, the snapshot's lookups), whatever else is audited with it:
  // the old side is audited for those events alone.
  const named = new Set<string>();
  for (const f of after) for (const e of f.events ?? [f.event]) named.add(e);
  const auditedKeys = new Set(audited.map(eventKey));
  const oldEvents = cmp.pairs.filter((p) => named.has(eventKey(p.new)) && auditedKeys.has(eventKey(p.new))).map((p) => p.old);
  if (oldEvents.length === 0) return after;
  const newKeyOf = new Map(cmp.pairs.map((p) => [eventKey(p.old), eventKey(p.new)]));
  const before = runAudit(auditInput(cmp.old, oldEvents, {}), opts);
  const had = new Set<string>();
  for (const f of before) for (const e of f.events ?? [f.event]) had.add(`${f.rule}\0${newKeyOf.get(e) ?? e}\0${f.field ?? ''}`);
  return after.filter((f) => !(f.events ?? [f.event]).every((e) => had.has(`${f.rule}\0${e}\0${f.field ?? ''}`)));
}

export function runAudit(input: AuditContext, opts: RunOptions = {}): Finding[] {
  const config = opts.config ?? EMPTY_CONFIG;
  const rules = opts.rules ?? RULES;
  // Syscall events are generated from SYSCALL_DEFINE and the `ftrace` system holds ftrace's own entries
  // (kernel/trace/trace_entries.h, printed by custom code): nobody writes them as trace events.
  const authored = (events: EventDef[]): EventDef[] => events.filter((e) => e.kind !== 'syscall' && e.system !== 'ftrace');
  // `all` is read only by a rule that asks for it (an indexed snapshot decodes every event for it).
  let all: EventDef[] | undefined;
  const ctx: AuditContext = {
    snapshot: input.snapshot,
    events: authored(input.events),
    isChange: input.isChange,
    get all() {
      return (all ??= authored(input.all));
    },
  };
  if (input.added) ctx.added = authored(input.added);
  const isAuthored = (e: EventDef) => e.kind !== 'syscall' && e.system !== 'ftrace';
  ctx.lookup = filteredLookup(input.lookup ?? listLookup(ctx.all), isAuthored);
  return runEach(rules.filter(isAuditRule), config, (rule, emit, options) => rule.check(ctx, emit, options));
}


/**
 * Drift findings gain the tools that read what they touch: an event the use attaches to on either side (any
 * of a class-wide finding's events) and, for a finding about one field, that field. A raw tracepoint name
 * that several definitions share (arch variants, samples/) touches a removed one only if none is left.
 */
export function annotateConsumers(drift: readonly Finding[], uses: readonly Use[], cmp: Comparison): void {
  const resolved = new Map<Use, { old: Set<string>; new: Set<string> }>();
  const keysOf = (u: Use) => {
    let r = resolved.get(u);
    if (!r) {
      r = { old: new Set(resolveUse(u, cmp.old).map(eventKey)), new: new Set(resolveUse(u, cmp.new).map(eventKey)) };
      resolved.set(u, r);
    }
    return r;
  };
  for (const f of drift) {
    const events = f.events ?? [f.event];
    const byTool = new Map<string, Use>();
    for (const u of uses) {
      if (byTool.has(u.tool)) continue;
      if (f.field !== undefined && u.field !== f.field) continue;
      const r = keysOf(u);
      if (!events.some((e) => r.old.has(e) || r.new.has(e))) continue;
      if (f.rule === 'event-removed' && r.new.size > 0) continue;
      byTool.set(u.tool, u);
    }
    if (byTool.size === 0) continue;
    f.consumers = [...byTool.values()]
      .map((u) => (u.line !== undefined ? { tool: u.tool, file: u.file, line: u.line } : { tool: u.tool, file: u.file }))
      .sort((a, b) => (a.tool < b.tool ? -1 : a.tool > b.tool ? 1 : 0));
  }
}

/** The consumer rules over a set of uses: against a comparison's new side, or one kernel alone. */
export function runConsumers(ctx: ConsumerContext, opts: RunOptions = {}): Finding[] {
  const config = opts.config ?? EMPTY_CONFIG;
  const rules = opts.rules ?? RULES;
  return runEach(rules.filter(isConsumerRule), config, (rule, emit, options) => rule.check(ctx, emit, options));
}

/** Runs each rule with its configured options and turns its reports into findings, sorted. */
function runEach<R extends Rule>(rules: readonly R[], config: EngineConfig, check: (rule: R, emit: (r: Report) => void, options: Record<string, unknown>) => void): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    const options = config.rules[rule.meta.id]?.options ?? {};
    findings.push(...toFindings(rule, collect((emit) => check(rule, emit, options)), config));
  }
  return findings.sort(compareFindings);
}
