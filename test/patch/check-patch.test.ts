/**
 * check-patch on real kernel text: the real 6.1 → 6.12 change of include/trace/events/sched.h as a patch
 * against Debian 6.1's files, and a proposed flawed event added to the real header.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTwoFilesPatch } from 'diff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

const REAL = fileURLToPath(new URL('../fixtures/tree-real/', import.meta.url));
const TREE = path.join(REAL, 'linux-6.1');
const SCHED = 'include/trace/events/sched.h';
const sched61 = fs.readFileSync(path.join(TREE, SCHED), 'utf8');
const sched612 = fs.readFileSync(path.join(REAL, 'linux-6.12', SCHED), 'utf8');

const FLAWED = `
/*
 * sched_flawed_example - a proposed event with the problems the audit knows
 */
TRACE_EVENT(sched_flawed_example,

	TP_PROTO(struct task_struct *p, const char *reason),

	TP_ARGS(p, reason),

	TP_STRUCT__entry(
		__field(	int,			success		)
		__field(	pid_t,			pid		)
		__field(	u64,			runtime		)
		__field(	const char *,		reason		)
		__field(	struct task_struct *,	task		)
		__array(	char,			blob,	256	)
		__field(	int,			cookie		)
	),

	TP_fast_assign(
		__entry->success	= 1;
		__entry->pid		= p->pid;
		__entry->runtime	= p->se.sum_exec_runtime;
		__entry->reason		= reason;
		__entry->task		= p;
		memcpy(__entry->blob, p->comm, 16);
	),

	TP_printk("pid=%d runtime=%llu reason=%s task=%px state=%ld",
		  __entry->pid, __entry->runtime, __entry->reason, __entry->task,
		  __entry->task->__state)
);
`;
const anchor = 'TP_printk("ret=%d", __entry->ret)\n);\n';
const schedFlawed = sched61.replace(anchor, anchor + FLAWED);

let dir: string;
const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};
const gitDiff = (rel: string, a: string, b: string): string => createTwoFilesPatch(`a/${rel}`, `b/${rel}`, a, b);
const mail = (n: number, of: number, subject: string, diff: string): string =>
  `From ${'0123456789abcdef0123'.repeat(2)} Mon Sep 17 00:00:00 2001\nFrom: Dev <dev@example.org>\nDate: Mon, 23 Nov 2026 12:00:00 +0000\nSubject: [PATCH ${n}/${of}] ${subject}\n\n---\n${diff}-- \n2.39.5\n\n`;
const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;

function treeDigest(): string {
  const h = crypto.createHash('sha256');
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else h.update(p).update(fs.readFileSync(p));
    }
  };
  walk(TREE);
  return h.digest('hex');
}

async function run(args: string[], stdin?: string) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (s: string) => (stdout += s), stderr: (s: string) => (stderr += s), stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: process.cwd() };
  if (stdin !== undefined) {
    // check-patch reads `-` from file descriptor 0: hand it a file instead.
    const p = file('stdin.patch', stdin);
    args = args.map((a) => (a === '-' ? p : a));
  }
  const code = await main(args, io);
  return { code, stdout, stderr, json: () => JSON.parse(stdout) as { findings: { rule: string; severity: string; event: string; field?: string; location?: { file: string; line: number } }[] } };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-patch-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('check-patch', () => {
  it('reports the real 6.1 → 6.12 sched.h changes, located on the patched file, and never writes the tree', async () => {
    const before = treeDigest();
    const patch = file('sched-6.12.patch', gitDiff(SCHED, sched61, sched612));
    const r = await run(['check-patch', patch, '--tree', TREE, '-f', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('touches no trace event definition');
    const f = r.json().findings;
    const one = (rule: string, event: string, field?: string) => f.find((x) => x.rule === rule && x.event === event && x.field === field);
    // 6.8 dropped vruntime from sched_stat_runtime: field, TP_PROTO and print format all changed.
    // A removed field has no line of its own any more: the finding points at the event's definition.
    const stat = lineOf(sched612, 'DEFINE_EVENT(sched_stat_runtime, sched_stat_runtime');
    expect(one('field-removed', 'sched:sched_stat_runtime', 'vruntime')).toMatchObject({ severity: 'error', location: { file: SCHED, line: stat } });
    expect(one('proto-changed', 'sched:sched_stat_runtime')).toMatchObject({ severity: 'warning', location: { file: SCHED, line: stat } });
    expect(one('print-format-changed', 'sched:sched_stat_runtime')).toBeDefined();
    // 6.10 renamed the bare tracepoint pelt_thermal_tp to pelt_hw_tp.
    expect(one('event-removed', 'sched:pelt_thermal_tp')).toMatchObject({ severity: 'warning', location: { file: SCHED } });
    expect(one('event-added', 'sched:pelt_hw_tp')).toMatchObject({ severity: 'info', location: { file: SCHED, line: lineOf(sched612, 'DECLARE_TRACE(pelt_hw_tp') } });
    // New events in 6.12 whose callers this (headers-only) tree does not have.
    expect(one('event-added', 'sched:sched_prepare_exec')).toBeDefined();
    expect(treeDigest()).toBe(before);
  });

  it('audits a proposed event: every flaw on its own line', async () => {
    const patch = file('flawed.patch', gitDiff(SCHED, sched61, schedFlawed));
    const r = await run(['check-patch', patch, '--tree', TREE, '-f', 'json']);
    expect(r.code).toBe(0); // warnings and info only; --fail-on error
    const at = (needle: string) => ({ file: SCHED, line: lineOf(schedFlawed, needle) });
    const got = r.json().findings.map((x) => `${x.severity} ${x.rule} ${x.field ?? ''} @${x.location?.line}`).sort();
    const ev = at('TRACE_EVENT(sched_flawed_example').line;
    expect(got).toEqual(
      [
        `info event-added  @${ev}`,
        `warning hardcoded-field success @${at('__field(	int,			success').line}`,
        `warning unassigned-field cookie @${at('__field(	int,			cookie').line}`,
        `warning unused-tracepoint  @${ev}`,
        `info pointer-field reason @${at('__field(	const char *').line}`,
        `warning pointer-field task @${at('__field(	struct task_struct *').line}`,
        `warning print-deref reason @${ev}`,
        `warning print-deref task @${ev}`,
        `warning large-array blob @${at('__array(	char,			blob').line}`,
        `info unprinted-field success @${at('__field(	int,			success').line}`,
        `info unprinted-field blob @${at('__array(	char,			blob').line}`,
      ].sort(),
    );
    expect((await run(['check-patch', patch, '--tree', TREE, '--fail-on', 'warning'])).code).toBe(1);
  });

  it('reads a git format-patch series, in order, from a file or stdin', async () => {
    const step1 = sched61.replace(anchor, anchor + FLAWED);
    const step2 = step1.replace('__entry->success	= 1;', '__entry->success	= p->on_rq;');
    const series = mail(1, 2, 'sched: add sched_flawed_example', gitDiff(SCHED, sched61, step1)) + mail(2, 2, 'sched: fill success', gitDiff(SCHED, step1, step2));
    const viaFile = await run(['check-patch', file('series.mbox', series), '--tree', TREE, '-f', 'json']);
    const viaStdin = await run(['check-patch', '-', '--tree', TREE, '-f', 'json'], series);
    const rules = (r: typeof viaFile) => r.json().findings.map((x) => x.rule);
    expect(rules(viaFile)).not.toContain('hardcoded-field'); // the second mail fixed it
    expect(rules(viaFile)).toContain('unassigned-field');
    expect(viaStdin.json().findings).toEqual(viaFile.json().findings);
  });

  it('a patch that does not apply: exit 2 naming the patch, the file and the hunk', async () => {
    const bad = gitDiff(SCHED, sched61, schedFlawed).replace('TP_printk("ret=%d", __entry->ret)', 'TP_printk("ret=%u", __entry->ret)');
    const r = await run(['check-patch', file('bad.patch', bad), '--tree', TREE]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^tpdrift: ${dir}/bad.patch: does not apply to include/trace/events/sched.h: hunk 1 \\(@@ -\\d+,\\d+ \\+\\d+,\\d+ @@\\) does not match at line \\d+ \\(the file has 741 lines\\)\\n$`));
  });

  it('a patch that touches no definition: exit 0 and says so', async () => {
    const types = fs.readFileSync(path.join(TREE, 'include/linux/types.h'), 'utf8');
    const patch = file('comment.patch', gitDiff('include/linux/types.h', types, types.replace('#ifndef _LINUX_TYPES_H', '/* a comment */\n#ifndef _LINUX_TYPES_H')));
    const r = await run(['check-patch', patch, '--tree', TREE]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('tpdrift: the patch touches no trace event definition (1 file(s) changed)\n');
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('no findings');
  });

  it('rejects what is not a patch, and a tree that is not a tree', async () => {
    expect((await run(['check-patch', file('notes.txt', 'hello\n'), '--tree', TREE])).stderr).toBe(`tpdrift: ${dir}/notes.txt: no file changes found: not a unified diff or git patch\n`);
    expect((await run(['check-patch', file('x.patch', gitDiff(SCHED, sched61, schedFlawed)), '--tree', dir])).code).toBe(2);
  });
});
