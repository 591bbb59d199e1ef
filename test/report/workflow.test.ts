/** Config files, baselines, suppressions and exit codes through the CLI, on the real 6.18.44 capture and an edited copy. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Ajv from 'ajv';
import type * as Sarif from 'sarif';
import { RULES } from '../../rules/index.js';
import { decideColor } from '../../src/cli/color.js';
import { cli, editedCaptureDirs, multitoolValidate, sarifSchemaErrors, tmpDir } from './real.js';

let orig: string;
let edited: string;
let tmp: string;
beforeAll(() => {
  ({ orig, edited } = editedCaptureDirs());
  tmp = tmpDir('workflow');
});
afterAll(() => {
  for (const d of [orig, edited, tmp]) fs.rmSync(d, { recursive: true, force: true });
});

const json = (s: string) => JSON.parse(s) as { findings: { rule: string; event: string; field?: string; severity: string; suppressed?: boolean; suppression?: { kind: string; reason?: string } }[]; summary: Record<string, number>; baseline?: Record<string, unknown>; suppressionsFile?: Record<string, unknown> };
const put = (name: string, data: unknown) => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data, null, 2));
  return p;
};

describe('config file', () => {
  it('the published schema names every rule (and nothing else)', () => {
    const schema = JSON.parse(fs.readFileSync(new URL('../../schema/config.schema.json', import.meta.url), 'utf8'));
    expect([...schema.definitions.rules.propertyNames.enum].sort()).toEqual(RULES.map((r) => r.meta.id).sort());
    expect(new Ajv().validateSchema(schema)).toBe(true);
  });

  it('sets severities, per-event overrides and options; --rule flags win over it', async () => {
    const cfg = put('c1.json', {
      rules: { 'field-removed': 'warning', 'field-size-changed': { severity: 'info' }, 'pointer-field': 'off' },
      overrides: [{ events: ['sched:*'], rules: { 'print-unknown-field': 'off' } }],
    });
    const r = await cli(['diff', orig, edited, '--format', 'json', '--config', cfg]);
    expect(r.stderr).toBe('');
    const out = json(r.stdout);
    const sev = Object.fromEntries(out.findings.map((f) => [`${f.rule} ${f.event}`, f.severity]));
    expect(sev).toEqual({
      'field-removed sched:sched_wakeup': 'warning',
      'field-size-changed kmem:kmalloc': 'info',
      'print-format-changed sched:sched_process_fork': 'warning',
      'field-offset-changed sched:sched_wakeup': 'warning',
    });
    expect(r.code).toBe(0);
    const r2 = await cli(['diff', orig, edited, '--format', 'json', '--config', cfg, '--rule', 'field-removed=error', '--rule', 'print-unknown-field=error']);
    const sev2 = Object.fromEntries(json(r2.stdout).findings.map((f) => [`${f.rule} ${f.event}`, f.severity]));
    expect(sev2['field-removed sched:sched_wakeup']).toBe('error');
    expect(sev2['print-unknown-field sched:sched_wakeup']).toBe('error');
    expect(r2.code).toBe(1);
  });

  it('abiPolicy reaches the abi-policy rule (a new event in a tracepoint-only system)', async () => {
    const more = editedCaptureDirs();
    try {
      const src = path.join(more.edited, 'events/sched/sched_wakeup');
      const dst = path.join(more.edited, 'events/sched/sched_wakeup_ext');
      fs.mkdirSync(dst);
      fs.writeFileSync(path.join(dst, 'format'), fs.readFileSync(path.join(src, 'format'), 'utf8').replace('name: sched_wakeup\n', 'name: sched_wakeup_ext\n'));
      const cfg = put('c-abi.json', { abiPolicy: { tracepointOnly: ['sched'] } });
      const r = await cli(['diff', more.orig, more.edited, '--format', 'json', '--config', cfg]);
      const abi = json(r.stdout).findings.filter((f) => f.rule === 'abi-policy');
      expect(abi.map((f) => `${f.event} ${f.severity}`)).toEqual(['sched:sched_wakeup_ext error']);
      const none = await cli(['diff', more.orig, more.edited, '--format', 'json']);
      expect(json(none.stdout).findings.filter((f) => f.rule === 'abi-policy')).toEqual([]);
    } finally {
      fs.rmSync(more.orig, { recursive: true, force: true });
      fs.rmSync(more.edited, { recursive: true, force: true });
    }
  });

  it('is discovered as tpdrift.config.json in the working directory', async () => {
    const dir = tmpDir('cwd');
    fs.writeFileSync(path.join(dir, 'tpdrift.config.json'), JSON.stringify({ rules: { 'field-removed': 'off', 'field-size-changed': 'off', 'print-unknown-field': 'off' } }));
    const before = process.cwd();
    process.chdir(dir);
    try {
      const r = await cli(['diff', orig, edited, '--format', 'json'], { cwd: dir });
      // kmalloc's raw-pointer field (info) was there before the edit: not the change's finding.
      expect(json(r.stdout).summary).toEqual({ error: 0, warning: 2, info: 0 });
      expect(r.code).toBe(0);
    } finally {
      process.chdir(before);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [{ rules: { 'field-gone': 'error' } }, /c-bad\.json: rules\.field-gone: not a known name/],
    [{ rules: { 'field-removed': 'fatal' } }, /c-bad\.json: rules\.field-removed: must be one of error, warning, info, off/],
    [{ rules: { 'large-array': { options: { maxBytes: 'big' } } } }, /c-bad\.json: rules\.large-array/],
    [{ overrides: [{ events: ['sched'], rules: {} }] }, /c-bad\.json: overrides\[0\]\.events\[0\]: must match pattern/],
    [{ rule: {} }, /c-bad\.json: rule: unknown key/],
    ['{"rules": {', /c-bad\.json(:\d+)?: not valid JSON/],
  ])('a bad config is exit 2 with one line naming the file and the key (%j)', async (cfg, msg) => {
    const p = put('c-bad.json', cfg);
    const out = path.join(tmp, 'never.json');
    const r = await cli(['diff', orig, edited, '--config', p, '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(msg);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('baseline and suppressions', () => {
  it('round-trips: --write-baseline, then --baseline hides every known finding (text) and marks it (json, sarif)', async () => {
    const bl = path.join(tmp, 'baseline.json');
    const first = await cli(['diff', orig, edited, '--write-baseline', bl]);
    // Writing a baseline accepts today's findings: the CI step that records them succeeds.
    expect(first.code).toBe(0);
    const written = JSON.parse(fs.readFileSync(bl, 'utf8'));
    expect(written.schema).toBe('tpdrift/baseline@1');
    expect(written.entries).toHaveLength(5);
    // Deterministic: the same run writes the same bytes.
    const bl2 = path.join(tmp, 'baseline2.json');
    await cli(['diff', orig, edited, '--write-baseline', bl2, '--format', 'json']);
    expect(fs.readFileSync(bl2, 'utf8')).toBe(fs.readFileSync(bl, 'utf8'));

    const text = await cli(['diff', orig, edited, '--baseline', bl]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('no findings (5 suppressed)');
    expect(text.stdout).not.toContain('field-removed');
    expect(text.stderr).toBe('');

    const j = await cli(['diff', orig, edited, '--baseline', bl, '--format', 'json']);
    const out = json(j.stdout);
    expect(out.findings.every((f) => f.suppressed === true && f.suppression?.kind === 'baseline')).toBe(true);
    expect(out.summary).toEqual({ error: 0, warning: 0, info: 0 });
    expect(out.baseline).toEqual({ file: bl, entries: 5, matched: 5, stale: 0 });

    const s = await cli(['diff', orig, edited, '--baseline', bl, '--format', 'sarif', '-o', path.join(tmp, 'bl.sarif')]);
    expect(s.code).toBe(0);
    const log = JSON.parse(fs.readFileSync(path.join(tmp, 'bl.sarif'), 'utf8')) as Sarif.Log;
    const results = log.runs[0]!.results!;
    // SARIF lists warnings and up unless --show info: the baseline's suppressed errors and warnings.
    expect(results).toHaveLength(5);
    expect(results.every((r) => r.suppressions?.[0]?.kind === 'external' && r.baselineState === 'unchanged')).toBe(true);
    expect(sarifSchemaErrors(log)).toEqual([]);
    const v = multitoolValidate(path.join(tmp, 'bl.sarif'));
    expect([...v.errors, ...v.warnings]).toEqual([]);
  });

  it('shows only what is new, and reports stale entries (fixed since)', async () => {
    // Baseline from a run with only the sched_wakeup edits; the nightly run then sees kmalloc too, and
    // one baseline entry (from a third, extra edit) is gone.
    const partial = editedCaptureDirs();
    try {
      for (const f of ['events/kmem/kmalloc/format', 'events/sched/sched_process_fork/format']) {
        fs.copyFileSync(path.join(partial.orig, f), path.join(partial.edited, f));
      }
      const p = path.join(partial.edited, 'events/sched/sched_switch/format');
      fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace(/print fmt: "/, 'print fmt: "x '));
      const bl = path.join(tmp, 'nightly.json');
      await cli(['diff', partial.orig, partial.edited, '--write-baseline', bl, '--format', 'json']);
      const r = await cli(['diff', orig, edited, '--baseline', bl, '--format', 'markdown']);
      expect(r.stderr).toMatch(/^tpdrift: baseline .*nightly\.json: 1 stale entry \(no longer found\): print-format-changed sched:sched_switch\n$/);
      expect(r.stdout).toContain('field-size-changed');
      expect(r.stdout).not.toContain('field-removed');
      expect(r.stdout).toContain('1 stale (no longer found)');
      const j = json((await cli(['diff', orig, edited, '--baseline', bl, '--format', 'json'])).stdout);
      expect(j.baseline).toMatchObject({ entries: 4, matched: 3, stale: 1 });
      expect(j.findings.filter((f) => !f.suppressed).map((f) => f.rule).sort()).toEqual(['field-size-changed', 'print-format-changed']);
    } finally {
      fs.rmSync(partial.orig, { recursive: true, force: true });
      fs.rmSync(partial.edited, { recursive: true, force: true });
    }
  });

  it('a suppressions file accepts reviewed changes, with their reason; the reason is mandatory', async () => {
    const sup = put('sup.json', {
      suppressions: [
        { rule: 'field-removed', event: 'sched:sched_wakeup', field: 'prio', reason: 'prio moved to sched_waking in our tools (review #42)' },
        { rule: 'print-unknown-field', event: 'sched:*', reason: 'follows from the removal above' },
        { rule: 'field-removed', event: 'irq:*', reason: 'nothing matches this one' },
      ],
    });
    const r = await cli(['diff', orig, edited, '--suppressions', sup, '--format', 'json']);
    const out = json(r.stdout);
    const removed = out.findings.find((f) => f.rule === 'field-removed')!;
    expect(removed.suppressed).toBe(true);
    expect(removed.suppression).toEqual({ kind: 'suppression', reason: 'prio moved to sched_waking in our tools (review #42)' });
    expect(out.summary).toEqual({ error: 1, warning: 2, info: 0 });
    expect(out.suppressionsFile).toMatchObject({ entries: 3, matched: 2, unused: 1 });
    expect(r.stderr).toMatch(/1 entry matches no finding: field-removed irq:\*/);

    for (const [bad, key] of [
      [{ suppressions: [{ rule: 'field-removed', event: 'sched:sched_wakeup' }] }, 'suppressions[0].reason: required'],
      [{ suppressions: [{ rule: 'field-removed', event: 'sched:sched_wakeup', reason: '  ' }] }, 'suppressions[0].reason: must match pattern'],
      [{ suppressions: [{ rule: 'no-such-rule', event: 'sched:x', reason: 'r' }] }, "suppressions[0].rule: no rule 'no-such-rule'"],
    ] as const) {
      const p = put('sup-bad.json', bad);
      const e = await cli(['diff', orig, edited, '--suppressions', p]);
      expect(e.code).toBe(2);
      expect(e.stderr).toContain(`sup-bad.json: ${key}`);
    }
  });

  it('--max-warnings N fails the run when more than N unsuppressed warnings remain', async () => {
    expect((await cli(['diff', orig, edited, '--fail-on', 'none', '--max-warnings', '2'])).code).toBe(0);
    expect((await cli(['diff', orig, edited, '--fail-on', 'none', '--max-warnings', '1'])).code).toBe(1);
    expect((await cli(['diff', orig, edited, '--fail-on', 'none', '--max-warnings', '-1'])).code).toBe(2);
  });

  it('a run that fails leaves no output file (-o is atomic)', async () => {
    const out = path.join(tmp, 'report.html');
    const r = await cli(['diff', orig, edited, '--format', 'html', '-o', out, '--baseline', path.join(tmp, 'missing.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing\.json: no such file/);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('colour', () => {
  it('is decided once: flag, then NO_COLOR, then FORCE_COLOR, then the terminal', () => {
    expect(decideColor(true, { NO_COLOR: '1' }, false)).toBe(true);
    expect(decideColor(false, { FORCE_COLOR: '1' }, true)).toBe(false);
    expect(decideColor(undefined, { NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
    expect(decideColor(undefined, { NO_COLOR: '' }, true)).toBe(true);
    expect(decideColor(undefined, { FORCE_COLOR: '1' }, false)).toBe(true);
    expect(decideColor(undefined, { FORCE_COLOR: '0' }, true)).toBe(false);
    expect(decideColor(undefined, {}, true)).toBe(true);
    expect(decideColor(undefined, {}, false)).toBe(false);
  });

  it('reaches the text report through the CLI, never into a file', async () => {
    const esc = '\u001b[';
    expect((await cli(['diff', orig, edited], { env: { FORCE_COLOR: '1' } })).stdout).toContain(esc);
    expect((await cli(['diff', orig, edited], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout).not.toContain(esc);
    expect((await cli(['diff', orig, edited, '--color'], { env: { NO_COLOR: '1' } })).stdout).toContain(esc);
    const f = path.join(tmp, 'colour.txt');
    await cli(['diff', orig, edited, '--color', '-o', f]);
    expect(fs.readFileSync(f, 'utf8')).not.toContain(esc);
  });
});
