import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { unpackCapture618 } from '../helpers/captures.js';

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env,
    cwd: process.cwd(),
  });
  return { code, stdout, stderr };
}

let orig: string;
let edited: string;
let tmp: string;

beforeAll(() => {
  orig = unpackCapture618();
  edited = unpackCapture618();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-cli-'));
  // One error (a field removed), one warning (a print format), nothing else.
  const wakeup = path.join(edited, 'events/sched/sched_wakeup/format');
  fs.writeFileSync(
    wakeup,
    fs
      .readFileSync(wakeup, 'utf8')
      .replace(/^\tfield:int prio;.*\n/m, '')
      .replace('target_cpu;\toffset:32;', 'target_cpu;\toffset:28;')
      .replace(/^print fmt: .*$/m, 'print fmt: "comm=%s pid=%d target_cpu=%03d", REC->comm, REC->pid, REC->target_cpu'),
  );
  const fork = path.join(edited, 'events/sched/sched_process_fork/format');
  fs.writeFileSync(fork, fs.readFileSync(fork, 'utf8').replace('print fmt: "comm=', 'print fmt: "parent='));
});
afterAll(() => {
  for (const d of [orig, edited, tmp]) fs.rmSync(d, { recursive: true, force: true });
});

describe('tpdrift diff', () => {
  it('prints the JSON contract and exits 1 on an error finding', async () => {
    const r = await run(['diff', orig, edited, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['tool', 'old', 'new', 'findings', 'summary']);
    expect(out.tool).toEqual({ name: 'tpdrift', version: '0.1.0' });
    expect(out.old).toEqual({ label: orig, kind: 'tracefs', events: 2323, release: '6.18.44', arch: 'x86_64' });
    expect(out.summary).toEqual({ error: 1, warning: 3, info: 0 });
    expect(out.findings.map((f: { rule: string; event: string }) => `${f.rule} ${f.event}`)).toEqual([
      'field-removed sched:sched_wakeup',
      'print-format-changed sched:sched_process_fork',
      'field-offset-changed sched:sched_wakeup',
      'print-format-changed sched:sched_wakeup',
    ]);
    expect(out.findings[0]).toEqual({
      rule: 'field-removed',
      severity: 'error',
      event: 'sched:sched_wakeup',
      field: 'prio',
      message: "field 'prio' removed",
      old: { decl: 'int prio', size: 4, offset: 28, signed: true },
    });
  });

  it('maps --fail-on and --rule to the exit code', async () => {
    expect((await run(['diff', orig, edited, '--fail-on', 'none'])).code).toBe(0);
    expect((await run(['diff', orig, edited, '--rule', 'field-removed=off'])).code).toBe(0);
    expect((await run(['diff', orig, edited, '--rule', 'field-removed=off', '--fail-on', 'warning'])).code).toBe(1);
    expect((await run(['diff', orig, edited, '--rule', 'field-removed=info', '--fail-on', 'warning', '--rule', 'print-format-changed=off', '--rule', 'field-offset-changed=off'])).code).toBe(0);
    expect((await run(['diff', orig, edited, '--rule', 'print-format-changed=error', '--rule', 'field-removed=info', '--rule', 'field-offset-changed=off'])).code).toBe(1);
    expect((await run(['diff', orig, orig, '--fail-on', 'info'])).code).toBe(0);
  });

  it('prints a text report for people: grouped by severity, old → new, a summary line', async () => {
    const r = await run(['diff', orig, edited]);
    expect(r.stdout).toContain('ERROR (1)\n  sched:sched_wakeup\n    field-removed  field \'prio\' removed\n');
    expect(r.stdout).toContain('WARNING (3)');
    expect(r.stdout).toContain('      comm=%s pid=%d child_comm=%s child_pid=%d → parent=%s pid=%d child_comm=%s child_pid=%d');
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('1 error, 3 warnings, 0 info');
    expect(r.stdout).not.toMatch(/\x1b\[/); // no colour when not a terminal
    expect((await run(['diff', orig, edited], { FORCE_COLOR: '1' })).stdout).toMatch(/\x1b\[/);
    expect((await run(['diff', orig, edited, '--no-color'], { FORCE_COLOR: '1' })).stdout).not.toMatch(/\x1b\[/);
  });

  it('writes -o atomically and exits like stdout would', async () => {
    const out = path.join(tmp, 'report.json');
    const r = await run(['diff', orig, edited, '-f', 'json', '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).summary.error).toBe(1);
    expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('bad usage and bad input: exit 2, one line naming the file', () => {
  it('usage errors from yargs are exit 2, not 1', async () => {
    for (const args of [[], ['frobnicate'], ['diff', orig], ['diff', orig, edited, '--format', 'xml'], ['diff', orig, edited, '--rule', 'nope=error'], ['diff', orig, edited, '--rule', 'field-removed=fatal']]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0], args.join(' ')).toMatch(/^tpdrift: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('a missing path', async () => {
    const r = await run(['diff', '/no/such/capture', orig]);
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: 'tpdrift: /no/such/capture: no such file or directory\n' });
  });

  it('a malformed format file names the file and the line', async () => {
    const bad = unpackCapture618();
    try {
      const f = path.join(bad, 'events/sched/sched_switch/format');
      fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('\tfield:pid_t prev_pid;\toffset:24;', '\tfield:pid_t prev_pid;\toffset:x24;'));
      const r = await run(['diff', orig, bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`tpdrift: ${bad}:events/sched/sched_switch/format:10: malformed field line 'field:pid_t prev_pid;\toffset:x24;\tsize:4;\tsigned:1;'\n`);
    } finally {
      fs.rmSync(bad, { recursive: true, force: true });
    }
  });
});

describe('tpdrift extract and rules', () => {
  it('extract writes byte-identical snapshots across runs, .json and .json.gz', async () => {
    for (const name of ['a.json', 'a.json.gz']) {
      const a = path.join(tmp, name);
      const b = path.join(tmp, `b-${name}`);
      expect((await run(['extract', orig, '-o', a])).code).toBe(0);
      expect((await run(['extract', orig, '-o', b])).code).toBe(0);
      expect(fs.readFileSync(a).equals(fs.readFileSync(b))).toBe(true);
    }
    // And a snapshot compares with its source: zero findings.
    const r = await run(['diff', path.join(tmp, 'a.json.gz'), orig, '--fail-on', 'info']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('no findings');
  });

  it('rules lists every rule; rules ID shows its page', async () => {
    const list = await run(['rules']);
    expect(list.stdout.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(18);
    expect(list.stdout).toMatch(/^field-removed\s+drift\s+error\s+A field of the event is gone/m);
    const one = await run(['rules', 'field-removed']);
    expect(one.stdout).toContain('# field-removed');
    expect(one.stdout).toContain('## Real example');
    expect((await run(['rules', 'no-such-rule'])).code).toBe(2);
  });
});
