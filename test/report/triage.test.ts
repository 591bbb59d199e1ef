/**
 * Scope and triage on the real Debian 6.1 → 6.12 diff (the committed snapshots of the two source trees):
 * --events/--path narrow the run, --show narrows the list but not the counts or the exit code, the summary
 * view opens the report, and what CI keeps (SARIF, Markdown, baselines) keeps the worst.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { readSnapshot } from '../../src/sources/snapshot-file.js';
import { compareSnapshots } from '../../src/diff/compare.js';
import { changedEvents, introducedAuditFindings, runAudit, runDiff } from '../../src/engine/run.js';
import { RULES } from '../../rules/index.js';
import { isDriftRule } from '../../src/engine/rule.js';
import { eventKey } from '../../src/model/snapshot.js';

const OLD = 'snapshots/debian-linux-source-6.1.176.json.gz';
const NEW = 'snapshots/debian-linux-source-6.12.117.json.gz';

interface JsonFinding {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  event: string;
  field?: string;
  events?: string[];
  location?: { file: string; line: number; side?: 'old' };
}
interface JsonReport {
  findings: JsonFinding[];
  summary: Record<'error' | 'warning' | 'info', number>;
}

async function run(args: string[], cwd = process.cwd()) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: { HOME: os.homedir() },
    cwd,
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) as JsonReport };
}

let full: JsonReport;
let tmp: string;
beforeAll(async () => {
  full = (await run(['diff', OLD, NEW, '-f', 'json', '--fail-on', 'none'])).json();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-triage-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('scope: --events and --path', () => {
  it("--events 'sched:*' keeps exactly the findings about sched events (and the every-event ones)", async () => {
    const r = await run(['diff', OLD, NEW, '-f', 'json', '--events', 'sched:*']);
    const scoped = r.json();
    const aboutSched = (f: JsonFinding) => f.event === '*' || (f.events ?? [f.event]).some((e) => e.startsWith('sched:'));
    expect(scoped.findings.length).toBeGreaterThan(5);
    expect(scoped.findings.every(aboutSched)).toBe(true);
    expect(scoped.findings.length).toBe(full.findings.filter(aboutSched).length);
    expect(scoped.findings.map((f) => `${f.rule} ${f.event} ${f.field ?? ''}`)).toContain('field-removed sched:sched_stat_runtime vruntime');
    // The run is about sched only: its one error decides the exit code, the counts are sched's.
    expect(scoped.summary.error).toBe(1);
    expect(r.code).toBe(1);
  });

  it('a bare system name means all its events; several patterns add up', async () => {
    const block = (await run(['diff', OLD, NEW, '-f', 'json', '--events', 'block', '--fail-on', 'none'])).json();
    expect(block.findings.length).toBeGreaterThan(0);
    expect(block.findings.every((f) => f.event === '*' || (f.events ?? [f.event]).some((e) => e.startsWith('block:')))).toBe(true);
    const both = (await run(['diff', OLD, NEW, '-f', 'json', '--events', 'block', '--events', 'sched:*', '--fail-on', 'none'])).json();
    const sched = (await run(['diff', OLD, NEW, '-f', 'json', '--events', 'sched:*', '--fail-on', 'none'])).json();
    const keys = (r: JsonReport) => new Set(r.findings.map((f) => JSON.stringify(f)));
    expect(keys(both)).toEqual(new Set([...keys(block), ...keys(sched)]));
  });

  it("--path 'fs/xfs/**' keeps the findings located under fs/xfs, removed events included (old side's location)", async () => {
    const r = await run(['diff', OLD, NEW, '-f', 'json', '--path', 'fs/xfs/**', '--fail-on', 'none']);
    const xfs = r.json();
    const under = (f: JsonFinding) => f.location !== undefined && f.location.file.startsWith('fs/xfs/');
    expect(xfs.findings.length).toBe(full.findings.filter(under).length);
    expect(xfs.findings.length).toBeGreaterThan(100);
    expect(xfs.findings.every(under)).toBe(true);
    expect(xfs.findings.some((f) => f.rule === 'event-removed' && f.location?.side === 'old')).toBe(true);
    // A directory without a glob means what is under it.
    const dir = (await run(['diff', OLD, NEW, '-f', 'json', '--path', 'fs/xfs', '--fail-on', 'none'])).json();
    expect(dir.findings.length).toBe(xfs.findings.length);
  });

  it('a pattern that matches no event is a usage error with a did-you-mean, not an empty report', async () => {
    const r = await run(['diff', OLD, NEW, '--events', 'shced']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("--events shced: no event of system 'shced' on either side (did you mean 'sched'?)");
    const p = await run(['diff', OLD, NEW, '--path', 'fs/nonexistent/**']);
    expect(p.code).toBe(2);
    expect(p.stderr).toContain('--path fs/nonexistent/**: no trace event is defined under it');
  });
});

describe('--show: a display threshold apart from --fail-on', () => {
  it('lists warnings and up, still counts the info and still fails on it', async () => {
    const r = await run(['diff', OLD, NEW, '-f', 'json', '--show', 'warning', '--fail-on', 'info']);
    const shown = r.json();
    expect(shown.findings.some((f) => f.severity === 'info')).toBe(false);
    expect(shown.findings.length).toBe(full.findings.filter((f) => f.severity !== 'info').length);
    expect(shown.summary).toEqual(full.summary);
    expect(shown.summary.info).toBeGreaterThan(1000);
    expect(r.code).toBe(1);
    const text = await run(['diff', OLD, NEW, '--show', 'error', '--fail-on', 'none']);
    expect(text.stdout).not.toContain('\nWARNING (');
    expect(text.stdout).toContain(`showing error and up; ${full.summary.warning} warning, ${full.summary.info} info counted, not listed`);
    expect(text.stdout).toMatch(new RegExp(`^${full.summary.error} errors, ${full.summary.warning} warnings, ${full.summary.info} info$`, 'm'));
  });
});

describe('the summary view', () => {
  it('opens the text report: systems by severity, the most errors first, then rules by severity', async () => {
    const r = await run(['diff', OLD, NEW, '--fail-on', 'none']);
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('SUMMARY ('));
    expect(at).toBe(3);
    expect(lines[at + 1]).toMatch(/^ {2}system +error warning +info$/);
    // Counted from the JSON: the system with the most errors heads the table.
    const perSystem = new Map<string, number>();
    for (const f of full.findings) if (f.severity === 'error') perSystem.set(f.event.split(':')[0]!, (perSystem.get(f.event.split(':')[0]!) ?? 0) + 1);
    const [topSystem, topErrors] = [...perSystem.entries()].sort((a, b) => b[1] - a[1])[0]!;
    expect(lines[at + 2]).toMatch(new RegExp(`^  ${topSystem} +${topErrors} +\\d+ +\\d+$`));
    expect(r.stdout.indexOf('SUMMARY (')).toBeLessThan(r.stdout.indexOf('ERROR ('));
  });

  it('--summary prints the summary view without the list', async () => {
    const r = await run(['diff', OLD, NEW, '--summary']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('SUMMARY (');
    expect(r.stdout).not.toContain('ERROR (');
    expect(r.stdout.split('\n').length).toBeLessThan(40);
  });

  it('markdown counts by system × severity and keeps the errors whole before listing anything lower', async () => {
    const r = await run(['diff', OLD, NEW, '-f', 'markdown', '--fail-on', 'none']);
    const md = r.stdout;
    expect(md).toContain('| System | 🔴 error | 🟠 warning | 🔵 info |');
    expect(md).toContain(`| **all `);
    const errorSection = md.slice(md.indexOf('🔴 Errors'), md.indexOf('🟠 Warnings'));
    const errorTableRows = errorSection.split('\n').filter((l) => l.startsWith('| `'));
    // The real diff's errors fit: every one is listed (the old even split listed about a third of them).
    expect(errorTableRows.length).toBe(full.summary.error);
    const cutError = /and \d+ more error findings/.test(md);
    const infoRows = md.slice(md.indexOf('🔵 Info (')).split('\n').filter((l) => l.startsWith('| `')).length;
    expect(cutError && infoRows > 0).toBe(false);
    expect(md.length).toBeLessThan(65_536);
  });

  it('markdown labels are relative to the working directory, never an absolute local path', async () => {
    const absOld = path.resolve(OLD);
    const r = await run(['diff', absOld, path.resolve(NEW), '-f', 'markdown', '--fail-on', 'none']);
    expect(r.stdout).toContain(`- **old:** ${OLD} (snapshot`);
    expect(r.stdout).not.toContain(process.cwd());
  });
});

describe('CI outputs keep the worst', () => {
  it('every event-removed finding of a tree diff carries the old side’s location, and says so', async () => {
    const removed = full.findings.filter((f) => f.rule === 'event-removed');
    expect(removed.length).toBeGreaterThan(40);
    expect(removed.every((f) => f.location?.side === 'old' && f.location.line > 0)).toBe(true);
    const text = (await run(['diff', OLD, NEW, '--events', 'sched:pelt_thermal_tp', '--fail-on', 'none'])).stdout;
    expect(text).toMatch(/event-removed .* include\/trace\/events\/sched\.h:\d+ \(old side\)/);
    const sarif = JSON.parse((await run(['diff', OLD, NEW, '-f', 'sarif', '--fail-on', 'none'])).stdout);
    const results = sarif.runs[0].results.filter((x: { ruleId: string }) => x.ruleId === 'event-removed');
    const errors = removed.filter((f) => f.severity !== 'info').length;
    expect(results.length).toBe(errors);
    for (const x of results) {
      expect(x.locations[0].physicalLocation.artifactLocation.uri).toMatch(/\.h$/);
      expect(x.message.text).toContain('old side');
    }
  });

  it('SARIF lists warnings and up by default (info counted in run.properties); --show info brings the notes back', async () => {
    const sarif = JSON.parse((await run(['diff', OLD, NEW, '-f', 'sarif', '--fail-on', 'none'])).stdout);
    const levels = new Set(sarif.runs[0].results.map((x: { level: string }) => x.level));
    expect([...levels].sort()).toEqual(['error', 'warning']);
    expect(sarif.runs[0].results.length).toBe(full.summary.error + full.summary.warning);
    expect(sarif.runs[0].properties.scope.hidden.info).toBe(full.summary.info);
    const all = JSON.parse((await run(['diff', OLD, NEW, '-f', 'sarif', '--show', 'info', '--fail-on', 'none'])).stdout);
    expect(all.runs[0].results.length).toBe(full.findings.length);
  });

  it('--write-baseline exits 0: recording a baseline accepts today’s findings', async () => {
    const file = path.join(tmp, 'baseline.json');
    const r = await run(['diff', OLD, NEW, '--write-baseline', file, '-f', 'json']);
    expect(r.code).toBe(0);
    expect(fs.existsSync(file)).toBe(true);
    const after = await run(['diff', OLD, NEW, '--baseline', file]);
    expect(after.code).toBe(0);
  });
});

describe('audit findings are the ones the change introduces', () => {
  it('a flaw both kernels have is not blamed on 6.1 → 6.12', async () => {
    const keys = full.findings.map((f) => `${f.rule} ${f.event}`);
    expect(keys).not.toContain('unused-tracepoint atomisp:camera_debug');
    // ... though 6.12 still has it, and lint says so.
    const lint = (await run(['lint', NEW, '-f', 'json', '--events', 'atomisp:camera_debug', '--fail-on', 'none'])).json();
    expect(lint.findings.map((f) => f.rule)).toContain('unused-tracepoint');
    // A flaw new in 6.12 is still reported: what remains is absent from the same event on the old side.
    const oldLint = (await run(['lint', OLD, '-f', 'json', '--fail-on', 'none'])).json();
    const had = new Set(oldLint.findings.map((f) => `${f.rule} ${f.event} ${f.field ?? ''}`));
    const audit = full.findings.filter((f) => ['unused-tracepoint', 'unassigned-field', 'print-deref', 'pointer-field', 'layout-holes', 'unprinted-field'].includes(f.rule));
    expect(audit.length).toBeGreaterThan(100);
    expect(audit.filter((f) => !f.events && had.has(`${f.rule} ${f.event} ${f.field ?? ''}`))).toEqual([]);
  });

  it('the old side audited only for the events the new side has findings about: the same findings as all of them audited', () => {
    const cmp = compareSnapshots(readSnapshot(OLD), readSnapshot(NEW));
    const drift = new Set(RULES.filter(isDriftRule).map((r) => r.meta.id));
    const findings = runDiff(cmp);
    const driftReports = findings.filter((f) => drift.has(f.rule)).map((f) => ({ event: f.event, message: f.message, ...(f.events ? { events: f.events } : {}) }));
    const audited = changedEvents(cmp, driftReports);
    const after = runAudit({ snapshot: cmp.new, events: audited, all: cmp.new.events, added: cmp.added, isChange: true });
    // The reference: every audited event's old counterpart audited, then subtracted.
    const auditedKeys = new Set(audited.map(eventKey));
    const before = runAudit({ snapshot: cmp.old, events: cmp.pairs.filter((p) => auditedKeys.has(eventKey(p.new))).map((p) => p.old), all: cmp.old.events, isChange: true });
    const newKeyOf = new Map(cmp.pairs.map((p) => [eventKey(p.old), eventKey(p.new)]));
    const had = new Set(before.flatMap((f) => (f.events ?? [f.event]).map((e) => `${f.rule}\0${newKeyOf.get(e) ?? e}\0${f.field ?? ''}`)));
    const reference = after.filter((f) => !(f.events ?? [f.event]).every((e) => had.has(`${f.rule}\0${e}\0${f.field ?? ''}`)));
    expect(reference.length).toBeGreaterThan(100);
    expect(introducedAuditFindings(cmp, audited, after, {})).toEqual(reference);
    expect(findings.filter((f) => !drift.has(f.rule))).toEqual(reference);
  });
});
