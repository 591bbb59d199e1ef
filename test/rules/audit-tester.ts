/** Table-style tests for audit rules: one side, the events to audit, and exactly the findings expected. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EventDef, SourceKind } from '../../src/model/snapshot.js';
import { runAudit } from '../../src/engine/run.js';
import type { Rule } from '../../src/engine/rule.js';
import { ruleDocPath } from '../../src/report/rule-docs.js';
import { snapshot, type Expected } from './tester.js';

export interface AuditCase {
  name: string;
  events: EventDef[];
  /** What is being audited (default: every event); in a diff, what the change adds or touches. */
  audited?: EventDef[];
  added?: EventDef[];
  isChange?: boolean;
  kind?: SourceKind;
  options?: Record<string, unknown>;
  findings?: Expected[];
}

export function auditTester(rule: Rule, cases: { valid: AuditCase[]; invalid: AuditCase[] }): void {
  const run = (c: AuditCase) => {
    const snap = snapshot({ events: c.events, kind: c.kind ?? 'tree' });
    const config = { rules: { [rule.meta.id]: { options: c.options ?? {} } }, overrides: [] };
    const findings = runAudit(
      { snapshot: snap, events: c.audited ?? snap.events, all: snap.events, isChange: c.isChange ?? false, ...(c.added ? { added: c.added } : {}) },
      { rules: [rule], config },
    );
    return findings.filter((f) => f.rule === rule.meta.id);
  };
  describe(`rule ${rule.meta.id}`, () => {
    it('has metadata and a documentation page with a real example and measured precision', () => {
      expect(rule.meta.category).not.toBe('drift');
      const doc = ruleDocPath(rule.meta.id);
      expect(doc, `rules/${rule.meta.id}.md`).toBeDefined();
      const text = fs.readFileSync(doc!, 'utf8');
      expect(text).toContain(`# ${rule.meta.id}`);
      expect(text).toMatch(/## Real example/);
      expect(text).toMatch(/## Precision/);
    });
    for (const c of cases.valid) it(`valid: ${c.name}`, () => expect(run(c)).toEqual([]));
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, () => {
        const got = run(c);
        expect(got).toHaveLength(c.findings!.length);
        c.findings!.forEach((want, i) => expect(got[i]).toMatchObject(want));
      });
    }
  });
}
