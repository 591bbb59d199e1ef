/**
 * Table-style rule tests in the manner of ESLint's RuleTester: each case gives the two sides (real events
 * from the 6.18.44 capture, edited) and, for invalid cases, exactly the findings the rule must report.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { EventDef, Snapshot, SourceKind } from '../../src/model/snapshot.js';
import { makeSnapshot } from '../../src/model/canonical.js';
import { compareSnapshots } from '../../src/diff/compare.js';
import { runAudit, runDiff } from '../../src/engine/run.js';
import type { Rule } from '../../src/engine/rule.js';
import type { Finding } from '../../src/engine/finding.js';
import { ruleDocPath } from '../../src/report/rule-docs.js';

const REAL = JSON.parse(
  fs.readFileSync(fileURLToPath(new URL('../../snapshots/linux-6.18.44-x86_64.tracefs.json', import.meta.url)), 'utf8'),
) as Snapshot;

/** A deep copy of a real event of the 6.18.44 capture, e.g. `real('sched:sched_switch')`. */
export function real(key: string): EventDef {
  const ev = REAL.events.find((e) => `${e.system}:${e.name}` === key);
  if (!ev) throw new Error(`no ${key} in the 6.18.44 capture`);
  return structuredClone(ev);
}

/** A copy of `ev` changed by `fn`. */
export function edit(ev: EventDef, fn: (e: EventDef) => void): EventDef {
  const copy = structuredClone(ev);
  fn(copy);
  return copy;
}

export interface Side {
  events: EventDef[];
  kind?: SourceKind;
  common?: Snapshot['header']['common'];
}

export function snapshot(side: Side | EventDef[]): Snapshot {
  const s = Array.isArray(side) ? { events: side } : side;
  return makeSnapshot({
    kernel: { kind: s.kind ?? 'tracefs', source: 'test' },
    header: { common: s.common ?? REAL.header.common },
    events: s.events,
  });
}

export type Expected = Partial<Pick<Finding, 'event' | 'field' | 'severity' | 'message' | 'events' | 'old' | 'new'>>;

export interface DriftCase {
  name: string;
  old: Side | EventDef[];
  new: Side | EventDef[];
  findings?: Expected[];
}

function only(rule: Rule, findings: Finding[]): Finding[] {
  return findings.filter((f) => f.rule === rule.meta.id);
}

export function ruleTester(rule: Rule, cases: { valid: DriftCase[]; invalid: DriftCase[] }): void {
  describe(`rule ${rule.meta.id}`, () => {
    it('has metadata and a documentation page with a real example', () => {
      expect(rule.meta.id).toMatch(/^[a-z-]+$/);
      expect(['error', 'warning', 'info']).toContain(rule.meta.severity);
      expect(rule.meta.description.length).toBeGreaterThan(20);
      const doc = ruleDocPath(rule.meta.id);
      expect(doc, `rules/${rule.meta.id}.md`).toBeDefined();
      const text = fs.readFileSync(doc!, 'utf8');
      expect(text).toContain(`# ${rule.meta.id}`);
      expect(text).toMatch(/## Real example/);
    });
    for (const c of cases.valid) {
      it(`valid: ${c.name}`, () => {
        expect(only(rule, runDiff(compareSnapshots(snapshot(c.old), snapshot(c.new)), { rules: [rule] }))).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, () => {
        const got = only(rule, runDiff(compareSnapshots(snapshot(c.old), snapshot(c.new)), { rules: [rule] }));
        expect(got).toHaveLength(c.findings!.length);
        c.findings!.forEach((want, i) => expect(got[i]).toMatchObject({ severity: rule.meta.severity, ...want }));
      });
    }
  });
}

export { runAudit };
