import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Sarif from 'sarif';
import { buildSarif, renderSarif, SARIF_MAX_BYTES, SARIF_MAX_RESULTS } from '../../src/report/sarif.js';
import { fingerprint } from '../../src/engine/finding.js';
import { RULES } from '../../rules/index.js';
import type { ReportData } from '../../src/report/model.js';
import { debian61To612, edited618, multitoolValidate, sarifSchemaErrors, tmpDir, ubuntuTo618, walleyeToRaven } from './real.js';

let tmp: string;
const reports: Record<string, ReportData> = {};

beforeAll(async () => {
  tmp = tmpDir('sarif');
  reports.edited = (await edited618()).report;
  reports.ubuntu = await ubuntuTo618();
  reports.android = await walleyeToRaven();
  reports.debian = await debian61To612();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = path.join(tmp, `${name}.sarif`);
  fs.writeFileSync(p, text);
  return p;
}

describe('SARIF 2.1.0', () => {
  it.each(['edited', 'ubuntu', 'android', 'debian'])('validates with Microsoft SARIF Multitool: 0 errors, 0 warnings (%s)', (name) => {
    const report = reports[name]!;
    expect(report.findings.length).toBeGreaterThan(0);
    const text = renderSarif(report, { color: false });
    expect(sarifSchemaErrors(JSON.parse(text))).toEqual([]);
    const file = write(name, text);
    const v = multitoolValidate(file);
    expect(v.errors).toEqual([]);
    expect(v.warnings).toEqual([]);
  });

  it('the checks would catch a broken file: schema (invalid level, no message) and Multitool (a bad URI)', () => {
    const log = JSON.parse(renderSarif(reports.debian!, { color: false })) as Sarif.Log;
    const bad = structuredClone(log);
    const r = bad.runs[0]!.results![0]! as unknown as Record<string, unknown>;
    r.level = 'fatal';
    delete r.message;
    expect(sarifSchemaErrors(bad).length).toBeGreaterThan(0);
    const located = log.runs[0]!.results!.find((x) => x.locations![0]!.physicalLocation)!;
    located.locations![0]!.physicalLocation!.artifactLocation!.uri = 'include/trace/events/a b.h';
    const v = multitoolValidate(write('bad-uri', JSON.stringify(log)));
    expect(v.errors.join('\n')).toMatch(/SARIF1002/);
  });

  it('carries every rule with help, and one result per finding with a stable fingerprint', () => {
    const report = reports.ubuntu!;
    const log = JSON.parse(renderSarif(report, { color: false })) as Sarif.Log;
    const run = log.runs[0]!;
    expect(log.version).toBe('2.1.0');
    expect(run.tool.driver.version).toBe('0.1.0');
    expect(run.tool.driver.rules!.map((r) => r.id)).toEqual(RULES.map((r) => r.meta.id));
    const removed = run.tool.driver.rules!.find((r) => r.id === 'field-removed')!;
    expect(removed.help!.markdown).toContain('# field-removed');
    expect(removed.defaultConfiguration!.level).toBe('error');
    expect(run.tool.driver.rules!.find((r) => r.id === 'event-added')!.defaultConfiguration!.level).toBe('note');
    expect(run.results!.length).toBe(report.findings.length);
    // The real -funsigned-char flip between Ubuntu 5.15 and 6.18 (warning by default).
    const flip = run.results!.find((r) => r.ruleId === 'field-signedness-changed')!;
    expect(flip.level).toBe('warning');
    const f = report.findings.find((x) => x.rule === 'field-signedness-changed' && `${x.event}` === (flip.properties as { event: string }).event)!;
    expect(flip.partialFingerprints).toEqual({ 'tpdriftFinding/v1': fingerprint(f) });
    // No location in a capture: a logical location naming the event, no physical one.
    expect(flip.locations![0]!.physicalLocation).toBeUndefined();
    expect(flip.locations![0]!.logicalLocations![0]!.fullyQualifiedName).toMatch(/^[a-z0-9_]+:[a-z0-9_]+/);
    const fps = run.results!.map((r) => r.partialFingerprints!['tpdriftFinding/v1']);
    expect(new Set(fps).size).toBe(fps.length);
  });

  it('points located findings at the repo-relative file and line (real Debian 6.1 → 6.12 trees)', () => {
    const report = reports.debian!;
    const located = report.findings.filter((f) => f.location);
    expect(located.length).toBeGreaterThan(100);
    const log = buildSarif(report).log;
    const results = log.runs[0]!.results!;
    const withPhys = results.filter((r) => r.locations![0]!.physicalLocation);
    expect(withPhys.length).toBe(located.length);
    const vr = results.find((r) => r.ruleId === 'field-removed' && (r.properties as { event: string }).event === 'sched:sched_stat_runtime')!;
    expect(vr.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('include/trace/events/sched.h');
    expect(vr.locations![0]!.physicalLocation!.region!.startLine).toBeGreaterThan(1);
    expect(vr.level).toBe('error');
  });

  it("stays within GitHub's limits: more than 25,000 results are cut, most severe first, with a note", () => {
    // 9 copies of the real Ubuntu 5.15 → 6.18 findings under distinct event names: 27,765 results.
    const base = reports.ubuntu!;
    const many: ReportData = {
      ...base,
      findings: Array.from({ length: 9 }, (_, i) => base.findings.map((f) => ({ ...f, event: `${f.event}${i ? `_${i}` : ''}` }))).flat(),
    };
    expect(many.findings.length).toBeGreaterThan(SARIF_MAX_RESULTS);
    const warnings: string[] = [];
    const text = renderSarif(many, { color: false, warn: (m) => warnings.push(m) });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(SARIF_MAX_BYTES);
    const log = JSON.parse(text) as Sarif.Log;
    const run = log.runs[0]!;
    expect(run.results!.length).toBeLessThanOrEqual(SARIF_MAX_RESULTS);
    expect(run.results![0]!.level).toBe('warning');
    const t = (run.properties as { truncated: { kept: number; total: number } }).truncated;
    expect(t.total).toBe(many.findings.length);
    expect(t.kept).toBe(run.results!.length);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/SARIF output cut to \d+ of 27765 results/);
    expect(sarifSchemaErrors(log)).toEqual([]);
    const v = multitoolValidate(write('truncated', text));
    expect(v.errors).toEqual([]);
    expect(v.warnings).toEqual([]);
  });

  it('cuts by size too (a smaller limit, same mechanism)', () => {
    const { log, truncated } = buildSarif(reports.ubuntu!, { results: SARIF_MAX_RESULTS, bytes: 400_000 });
    expect(truncated).toBeDefined();
    expect(Buffer.byteLength(JSON.stringify(log, null, 2))).toBeLessThanOrEqual(400_000);
    expect(log.runs[0]!.results!.length).toBe(truncated!.kept);
    expect(truncated!.kept).toBeLessThan(truncated!.total);
  });
});
