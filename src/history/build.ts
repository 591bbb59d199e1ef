/**
 * The same events across several kernels, as a timeline. Consecutive kernels are compared with the drift
 * rules (the engine decides what changed, as `diff` would, including what a tree and a capture can both
 * tell); each event and field then gets one state per kernel: `added`, `changed`, `removed` (by the rules
 * between the previous kernel and this one), `same` (present, nothing reported) or `absent`.
 * Rendering is the report layer's (src/report/history.ts).
 */
import { normalizeEventPattern } from '../report/scope.js';
import { compareSnapshots } from '../diff/compare.js';
import { runConsumers, runDiff } from '../engine/run.js';
import type { Use } from '../consumers/model.js';
import { isDriftRule } from '../engine/rule.js';
import type { Finding } from '../engine/finding.js';
import { eventPatternMatches } from '../engine/config.js';
import { type Snapshot, eventKey, fieldDeclaration } from '../model/snapshot.js';
import type { SideInfo } from '../model/side.js';
import { RULES } from '../../rules/index.js';
import { TOOL_VERSION } from '../version.js';

export type CellState = 'absent' | 'same' | 'added' | 'changed' | 'removed';

export interface HistoryCell {
  state: CellState;
  /** The field's declaration (or the event's field count) in this kernel, when present. */
  what?: string;
  /** Rules that reported the change into this kernel, with their messages. */
  changes?: { rule: string; message: string }[];
}

export interface HistoryRow {
  /** `system:name`, or `*` for the common header. */
  event: string;
  /** Absent for the event's own row. */
  field?: string;
  cells: HistoryCell[];
}

export interface HistoryData {
  tool: { name: 'tpdrift'; version: string };
  kernels: SideInfo[];
  /** Events with a change somewhere in the series (rows: the event, then each field that changed). */
  events: { event: string; rows: HistoryRow[] }[];
  /** Per step (kernel i-1 → i, i ≥ 1): events added, changed and removed. */
  steps: { added: number; changed: number; removed: number; configBound: boolean; consumers?: StepConsumers }[];
  totals: { eventsSeen: number; eventsChanged: number };
}

const DRIFT = RULES.filter(isDriftRule);

/** With consumers given: what each step breaks (consumer-break findings) and which tools that affects. */
export interface StepConsumers {
  affected: string[];
  breaks: { severity: Finding['severity']; event: string; tool: string; message: string }[];
}

function stateOf(rules: string[]): CellState {
  if (rules.some((r) => r === 'event-removed' || r === 'field-removed')) return 'removed';
  if (rules.some((r) => r === 'event-added' || r === 'field-added')) return 'added';
  return 'changed';
}

export function buildHistory(sides: { info: SideInfo; snapshot: Snapshot }[], opts: { events?: string[]; uses?: readonly Use[] } = {}): HistoryData {
  if (sides.length < 2) throw new Error('history needs at least two kernels');
  const n = sides.length;
  // What changed into kernel i, by event and by field ('' for the event itself).
  const indexes = sides.map((s) => new Map(s.snapshot.events.map((e) => [eventKey(e), e])));
  const hasField = (i: number, ev: string, field: string) => indexes[i]!.get(ev)?.fields.some((f) => f.name === field) ?? false;
  const byStep: Map<string, Map<string, Finding[]>>[] = [new Map()];
  /** Steps where one side is a whole tree and the other one configuration: presence is not comparable. */
  const configBound: boolean[] = [false];
  const stepConsumers: (StepConsumers | undefined)[] = [undefined];
  for (let i = 1; i < n; i++) {
    const cmp = compareSnapshots(sides[i - 1]!.snapshot, sides[i]!.snapshot);
    configBound.push(cmp.configBound);
    if (opts.uses) {
      const breaks = runConsumers({ uses: opts.uses, kernel: cmp.new, cmp }).filter(
        (f) => f.consumer && (!opts.events?.length || opts.events.some((p) => eventPatternMatches(p, f.event))),
      );
      stepConsumers[i] = {
        affected: [...new Set(breaks.filter((f) => f.severity !== 'info').map((f) => f.consumer!.tool))].sort(),
        breaks: breaks.map((f) => ({ severity: f.severity, event: f.event, tool: f.consumer!.tool, message: f.message })),
      };
    }
    const findings = runDiff(cmp, { rules: DRIFT });
    const m = new Map<string, Map<string, Finding[]>>();
    for (const f of findings) {
      // An event on one side only of a tree ↔ capture step may just not be built in that configuration.
      if (cmp.configBound && (f.rule === 'event-added' || f.rule === 'event-removed')) continue;
      for (const ev of f.events ?? [f.event]) {
        const fm = m.get(ev) ?? new Map<string, Finding[]>();
        // A kernel-wide finding names a type, not a field (the plain-char flip): it belongs to the event.
        const key = f.field !== undefined && (ev === '*' || hasField(i, ev, f.field) || hasField(i - 1, ev, f.field)) ? f.field : '';
        fm.set(key, [...(fm.get(key) ?? []), f]);
        m.set(ev, fm);
      }
    }
    byStep.push(m);
  }
  const changedEvents = new Set<string>();
  for (const m of byStep) for (const k of m.keys()) changedEvents.add(k);
  const wanted = (k: string) => !opts.events?.length || opts.events.some((p) => eventPatternMatches(normalizeEventPattern(p), k));
  const keys = [...changedEvents].filter(wanted).sort((a, b) => (a === '*' ? -1 : b === '*' ? 1 : a < b ? -1 : a > b ? 1 : 0));

  const steps = byStep.slice(1).map((m, j) => {
    const s: HistoryData['steps'][number] = { added: 0, changed: 0, removed: 0, configBound: configBound[j + 1]! };
    const sc = stepConsumers[j + 1];
    if (sc) s.consumers = sc;
    for (const [ev, fm] of m) {
      if (!wanted(ev)) continue;
      const evRules = (fm.get('') ?? []).map((f) => f.rule);
      s[evRules.includes('event-removed') ? 'removed' : evRules.includes('event-added') ? 'added' : 'changed']++;
    }
    return s;
  });

  const events = keys.map((key) => {
    const fieldNames: string[] = [];
    for (const m of byStep) for (const f of m.get(key)?.keys() ?? []) if (f !== '' && !fieldNames.includes(f)) fieldNames.push(f);
    // Fields in record order of the newest kernel that has the event, the others after.
    const newest = [...indexes].reverse().map((ix) => ix.get(key)).find(Boolean);
    const order = newest ? newest.fields.map((f) => f.name) : [];
    fieldNames.sort((a, b) => (order.indexOf(a) + 1 || 1e9) - (order.indexOf(b) + 1 || 1e9) || (a < b ? -1 : 1));
    const cell = (i: number, field?: string): HistoryCell => {
      const ev = key === '*' ? undefined : indexes[i]!.get(key);
      const fs = byStep[i]!.get(key)?.get(field ?? '') ?? [];
      // The event row also turns when only its fields changed.
      const fieldFs = field === undefined ? [...(byStep[i]!.get(key)?.entries() ?? [])].filter(([k]) => k !== '').flatMap(([, v]) => v) : [];
      let what: string | undefined;
      let present: boolean;
      if (key === '*') {
        const common = sides[i]!.snapshot.header.common;
        present = true;
        what = field === undefined ? `${common.length} common fields` : field;
      } else if (field === undefined) {
        present = ev !== undefined;
        if (ev) what = `${ev.fields.length} fields${ev.kind !== 'event' ? ` (${ev.kind})` : ''}`;
      } else {
        const f = ev?.fields.find((x) => x.name === field);
        present = f !== undefined;
        if (f) what = `${fieldDeclaration(f)}${f.size !== undefined ? `  size ${f.size}` : ''}${f.offset !== undefined ? ` @${f.offset}` : ''}`;
      }
      const out: HistoryCell = { state: 'same' };
      if (fs.length > 0) out.state = stateOf(fs.map((f) => f.rule));
      else if (fieldFs.length > 0) out.state = 'changed';
      if (!present && out.state !== 'removed') out.state = 'absent';
      if (what !== undefined && present) out.what = what;
      const all = [...fs, ...fieldFs];
      if (all.length > 0) out.changes = all.map((f) => ({ rule: f.rule, message: f.field && field === undefined ? `${f.field}: ${f.message}` : f.message }));
      return out;
    };
    const rows: HistoryRow[] = [{ event: key, cells: sides.map((_, i) => cell(i)) }];
    for (const field of fieldNames) rows.push({ event: key, field, cells: sides.map((_, i) => cell(i, field)) });
    return { event: key, rows };
  });
  const seen = new Set<string>();
  for (const ix of indexes) for (const k of ix.keys()) if (wanted(k)) seen.add(k);
  return {
    tool: { name: 'tpdrift', version: TOOL_VERSION },
    kernels: sides.map((s) => s.info),
    events,
    steps,
    totals: { eventsSeen: seen.size, eventsChanged: events.length },
  };
}

