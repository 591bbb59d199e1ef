/**
 * The bad-input catalog: every input a nightly job may meet that nobody checked. Each gets exit 2 and one
 * stderr line naming the file (and the line where it applies), never a stack trace, never output on stdout,
 * never an -o file; or, in a whole-tree run, a reported skip while the rest carries on.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTree } from '../../src/sources/tree/index.js';
import { CAPTURE_6_18, capture618 } from '../helpers/captures.js';
import { tarGz } from './tar-builder.js';
import { runCli } from '../helpers/cli.js';

const ROOT = path.join(import.meta.dirname, '../..');
let tmp: string;
let capture: string;
const SWITCH = 'events/sched/sched_switch/format';

const run = (args: string[]) => runCli(args, { cwd: tmp });

/** A copy of the real capture with one format file replaced. */
function captureWith(name: string, rel: string, content: string | Buffer): string {
  const dir = path.join(tmp, name);
  fs.cpSync(capture, dir, { recursive: true });
  fs.writeFileSync(path.join(dir, rel), content);
  return dir;
}

const realSwitch = (): string => fs.readFileSync(path.join(capture, SWITCH), 'utf8');

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-bad-'));
  fs.chmodSync(tmp, 0o755);
  // The sched system and the headers of the real capture: each case copies it, and copying (and deleting)
  // all 4,700 files of the full capture fourteen times took most of a minute.
  capture = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-618-'));
  for (const [rel, data] of (await capture618()).files) {
    if (rel.includes('/format') && !rel.startsWith('events/sched/')) continue;
    fs.mkdirSync(path.dirname(path.join(capture, rel)), { recursive: true });
    fs.writeFileSync(path.join(capture, rel), data);
  }
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(capture, { recursive: true, force: true });
});

interface Case {
  name: string;
  input: () => string;
  /** The one stderr line, after `tpdrift: `. */
  error: (input: string) => string | RegExp;
}

const CASES: Case[] = [
  { name: 'a missing path', input: () => path.join(tmp, 'nope'), error: (p) => `${p}: no such file or directory` },
  {
    name: 'an empty directory',
    input: () => fs.mkdirSync(path.join(tmp, 'empty'), { recursive: true }) ?? path.join(tmp, 'empty'),
    error: (p) => `${p}: empty directory: not a kernel tree or tracefs capture`,
  },
  {
    name: 'a file where a directory or archive is expected',
    input: () => (fs.writeFileSync(path.join(tmp, 'notes.txt'), 'hello\n'), path.join(tmp, 'notes.txt')),
    error: (p) => `${p}: not a snapshot (.json, .json.gz), tracefs archive (.tar, .tar.gz), BTF (raw, ELF with .BTF, vmlinuz, arm64 Image) or directory`,
  },
  {
    name: 'a directory where a snapshot file is expected',
    input: () => (fs.mkdirSync(path.join(tmp, 'dir.json'), { recursive: true }), fs.writeFileSync(path.join(tmp, 'dir.json', 'x'), ''), path.join(tmp, 'dir.json')),
    error: (p) => `${p}: not a kernel tree (no include/trace) or tracefs capture (no events/) or unpacked kernel package (no boot/ and lib/modules/); use --kind to say which`,
  },
  {
    name: 'binary garbage in a format file',
    input: () => captureWith('garbage', SWITCH, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3])),
    error: (p) => `${p}:${SWITCH}: binary data (NUL byte) in a format file`,
  },
  {
    name: 'a truncated format file (cut in the middle of a field line)',
    input: () => captureWith('truncated', SWITCH, realSwitch().slice(0, realSwitch().indexOf('offset:24;') + 3)),
    error: (p) => `${p}:${SWITCH}:10: malformed field line 'field:pid_t prev_pid;\toff'`,
  },
  {
    name: 'non-UTF-8 bytes',
    input: () => captureWith('latin1', SWITCH, Buffer.concat([Buffer.from(realSwitch().replace('prev_comm', 'prev_c\u00f6mm'), 'latin1')])),
    error: (p) => `${p}:${SWITCH}: not valid UTF-8 text`,
  },
  {
    name: 'an absurd size',
    input: () => captureWith('huge-size', SWITCH, realSwitch().replace('size:16;', 'size:99999999999;')),
    error: (p) => `${p}:${SWITCH}:9: field prev_comm: size 99999999999 out of range`,
  },
  {
    name: 'a negative offset',
    input: () => captureWith('neg-offset', SWITCH, realSwitch().replace('offset:24;', 'offset:-24;')),
    error: (p) => `${p}:${SWITCH}:10: field prev_pid: offset -24 out of range`,
  },
  {
    name: 'unbalanced parentheses in a print format',
    input: () => captureWith('unbalanced', SWITCH, realSwitch().replace('REC->prev_comm, REC->prev_pid', 'REC->prev_comm, (REC->prev_pid')),
    error: (p) => `${p}:${SWITCH}:17: unreadable print fmt: missing ')'`,
  },
  {
    name: 'an enormous format file (over the 1 MiB cap)',
    input: () => captureWith('enormous', SWITCH, realSwitch() + ' '.repeat(1 << 20)),
    error: (p) => `${p}/${SWITCH}: larger than 1048576 bytes: not a format file`,
  },
  {
    name: 'a format file that is a symbolic link',
    input: () => {
      const d = captureWith('symlink', SWITCH, '');
      fs.rmSync(path.join(d, SWITCH));
      fs.symlinkSync('/etc/passwd', path.join(d, SWITCH));
      return d;
    },
    error: (p) => `${p}/${SWITCH}: symbolic link: not followed`,
  },
  {
    name: 'a truncated .tar.gz',
    input: () => (fs.writeFileSync(path.join(tmp, 'cut.tar.gz'), fs.readFileSync(CAPTURE_6_18).subarray(0, 100_000)), path.join(tmp, 'cut.tar.gz')),
    error: (p) => `${p}: truncated archive (gzip stream ends early)`,
  },
  {
    name: 'a .tar.gz that is not a tar',
    input: () => (fs.writeFileSync(path.join(tmp, 'junk.tar.gz'), zlib.gzipSync(Buffer.from('junk'.repeat(300)))), path.join(tmp, 'junk.tar.gz')),
    error: (p) => `${p}: not a tar archive (invalid member header)`,
  },
  {
    name: 'a .tar.gz holding a ../ path',
    input: () => (fs.writeFileSync(path.join(tmp, 'evil.tar.gz'), tarGz([{ name: 'events/x/y/format', text: 'name: y\nformat:\n' }, { name: '../../etc/events/a/b/format', text: 'x' }])), path.join(tmp, 'evil.tar.gz')),
    error: (p) => `${p}: archive member '../../etc/events/a/b/format' points outside the archive`,
  },
  {
    name: 'a .tar.gz holding a link out of the archive',
    input: () => (fs.writeFileSync(path.join(tmp, 'link.tar.gz'), tarGz([{ name: 'events/x/y/format', symlinkTo: '/etc/shadow' }])), path.join(tmp, 'link.tar.gz')),
    error: (p) => `${p}: archive member 'events/x/y/format' is a link: not followed`,
  },
  {
    name: 'corrupt JSON in a snapshot',
    input: () => (fs.writeFileSync(path.join(tmp, 'corrupt.json'), '{\n  "schema": "tpdrift/snapshot@1",\n  "events": [\n'), path.join(tmp, 'corrupt.json')),
    error: (p) => new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:\\d+)?: not valid JSON \\(.+\\)$`),
  },
  {
    name: 'a truncated snapshot (.json.gz cut short)',
    input: () => {
      const full = zlib.gzipSync(fs.readFileSync(path.join(ROOT, 'snapshots/linux-6.18.44-x86_64.tracefs.json')));
      fs.writeFileSync(path.join(tmp, 'cut.json.gz'), full.subarray(0, full.length >> 1));
      return path.join(tmp, 'cut.json.gz');
    },
    error: (p) => `${p}: truncated or corrupt gzip data`,
  },
  {
    name: 'a snapshot with a newer schema version',
    input: () => {
      const s = fs.readFileSync(path.join(ROOT, 'snapshots/linux-6.18.44-x86_64.tracefs.json'), 'utf8').replace('tpdrift/snapshot@1', 'tpdrift/snapshot@2');
      fs.writeFileSync(path.join(tmp, 'future.json'), s);
      return path.join(tmp, 'future.json');
    },
    error: (p) => `${p}: snapshot schema 'tpdrift/snapshot@2' is not supported by this version (reads tpdrift/snapshot@1); upgrade tpdrift`,
  },
  {
    name: 'a snapshot with an absurd field',
    input: () => {
      const s = fs.readFileSync(path.join(ROOT, 'snapshots/linux-6.18.44-x86_64.tracefs.json'), 'utf8').replace('"size": 16, "offset": 8', '"size": -16, "offset": 8');
      fs.writeFileSync(path.join(tmp, 'absurd.json'), s);
      return path.join(tmp, 'absurd.json');
    },
    error: (p) => new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: events\\[\\d+\\]\\.fields\\[0\\]\\.size is not a non-negative integer$`),
  },
];

/** A .config case's file: `content` written to `name` in the tmp dir when the case runs. */
const configFile = (name: string, content: string | Buffer) => (): string => {
  fs.writeFileSync(path.join(tmp, name), content);
  return path.join(tmp, name);
};
/** `--kconfig FILE` on a tree read: the .config is the user's input too. */
const KCONFIG_CASES: { name: string; file: () => string; error: (f: string) => string }[] = [
  { name: 'a missing .config', file: () => path.join(tmp, 'no-config'), error: (f) => `${f}: no such file` },
  { name: 'a directory given as the .config', file: () => tmp, error: (f) => `${f}: is a directory, not a kernel .config` },
  {
    name: 'a malformed .config line (a Makefile given by mistake)',
    file: configFile('Makefile.config', 'CONFIG_A=y\nobj-$(CONFIG_A) += a.o\n'),
    error: (f) => `${f}:2: not a .config line (CONFIG_NAME=value, # CONFIG_NAME is not set, or a comment): 'obj-$(CONFIG_A) += a.o'`,
  },
  {
    name: 'a .config value that is none',
    file: configFile('bad-value.config', '# CONFIG_B is not set\nCONFIG_A=yes please\n'),
    error: (f) => `${f}:2: CONFIG_A: 'yes please' is not a .config value (y, m, n, a number or a "string")`,
  },
  {
    name: 'binary garbage as the .config (a vmlinuz)',
    file: configFile('vmlinuz.config', Buffer.from([0x4d, 0x5a, 0x00, 0x01, 0xff, 0x0a])),
    error: (f) => `${f}:1: not a .config line (CONFIG_NAME=value, # CONFIG_NAME is not set, or a comment): 'MZ???'`,
  },
  {
    name: 'an empty .config',
    file: configFile('empty.config', ''),
    error: (f) => `${f}: no CONFIG_ line: not a kernel .config`,
  },
];

describe('--kconfig: a bad .config is exit 2 and one line naming it (and the line), before the tree is read', () => {
  for (const c of KCONFIG_CASES) {
    it(c.name, async () => {
      const file = c.file();
      const out = path.join(tmp, `${c.name.replace(/\W+/g, '-')}.json`);
      fs.writeFileSync(out, 'previous contents\n');
      const r = await run(['extract', path.join(ROOT, 'test/fixtures/tree/kconfig'), '--kconfig', file, '-o', out]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`tpdrift: ${c.error(file)}\n`);
      expect(fs.readFileSync(out, 'utf8')).toBe('previous contents\n');
    });
  }
});

describe('bad input: exit 2, one line naming the file, nothing written', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const input = c.input();
      const out = path.join(tmp, `${c.name.replace(/\W+/g, '-')}.json`);
      fs.writeFileSync(out, 'previous contents\n');
      const r = await run(['extract', input, '-o', out]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.endsWith('\n')).toBe(true);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      const want = c.error(input);
      if (typeof want === 'string') expect(lines[0]).toBe(`tpdrift: ${want}`);
      else expect(lines[0]!.replace(/^tpdrift: /, '')).toMatch(want);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      // A failed run never truncates an existing output file and leaves no temporary file behind.
      expect(fs.readFileSync(out, 'utf8')).toBe('previous contents\n');
      expect(fs.readdirSync(path.dirname(out)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  }

  it('permission denied (checked as an unprivileged user: root reads everything)', () => {
    const dir = captureWith('unreadable', SWITCH, realSwitch());
    spawnSync('chmod', ['-R', 'a+rX', dir]); // everything readable by the unprivileged user but the one file
    fs.chmodSync(path.join(dir, SWITCH), 0o000);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/tpdrift.js'), 'extract', dir], { uid: 65534, gid: 65534, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`tpdrift: ${path.join(dir, SWITCH)}: permission denied\n`);
  });

  it('a patch that does not apply', async () => {
    const patch = path.join(tmp, 'stale.patch');
    fs.writeFileSync(patch, '--- a/include/trace/events/sched.h\n+++ b/include/trace/events/sched.h\n@@ -1,2 +1,2 @@\n-no such line\n+a line\n context\n');
    const r = await run(['check-patch', patch, '--tree', path.join(ROOT, 'test/fixtures/tree-real/linux-6.1')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tpdrift: ${patch}: does not apply to include/trace/events/sched.h: hunk 1 (@@ -1,2 +1,2 @@) does not match at line 1 (the file has 741 lines)\n`);
  });

  it('--debug shows the stack of an internal error, and only then', async () => {
    const r = await run(['extract', path.join(tmp, 'nope')]);
    expect(r.stderr).not.toMatch(/\bat /);
  });
});

describe('whole-tree runs skip what they cannot read and carry on', () => {
  it('unterminated comments and strings, unbalanced parentheses, recursive macros, a symlink loop and a link out of the tree', async () => {
    const tree = path.join(tmp, 'tree');
    const ev = path.join(tree, 'include/trace/events');
    fs.mkdirSync(ev, { recursive: true });
    fs.mkdirSync(path.join(tree, 'kernel'));
    const good = (name: string) =>
      `TRACE_EVENT(${name},\n\tTP_PROTO(int a),\n\tTP_ARGS(a),\n\tTP_STRUCT__entry(\n\t\t__field(int, a)\n\t),\n\tTP_fast_assign(\n\t\t__entry->a = a;\n\t),\n\tTP_printk("a=%d", __entry->a)\n);\n`;
    fs.writeFileSync(path.join(ev, 'good.h'), `#undef TRACE_SYSTEM\n#define TRACE_SYSTEM good\n${good('good_one')}`);
    fs.writeFileSync(path.join(ev, 'comment.h'), `#undef TRACE_SYSTEM\n#define TRACE_SYSTEM bad1\n${good('fine_before')}/* never closed\n${good('lost')}`);
    fs.writeFileSync(path.join(ev, 'string.h'), `#undef TRACE_SYSTEM\n#define TRACE_SYSTEM bad2\nTRACE_EVENT(x,\n\tTP_printk("never closed, __entry->a)\n);\n`);
    fs.writeFileSync(path.join(ev, 'parens.h'), `#undef TRACE_SYSTEM\n#define TRACE_SYSTEM bad3\nTRACE_EVENT(y, TP_PROTO((int a), TP_ARGS(a)\n${good('after_parens')}`);
    fs.writeFileSync(path.join(ev, 'recursive.h'), `#undef TRACE_SYSTEM\n#define TRACE_SYSTEM bad4\n#define A(n) B(n) A(n)\n#define B(n) A(n)\nA(z)\n${good('after_recursion')}`);
    fs.symlinkSync('../events', path.join(ev, 'loop'));
    fs.symlinkSync('/usr/include', path.join(tree, 'include/outside'));
    const r = await run(['extract', tree]);
    expect(r.code).toBe(0);
    const snap = JSON.parse(r.stdout) as { events: { name: string }[]; problems: { file: string; line?: number; message: string }[] };
    expect(snap.events.map((e) => e.name)).toEqual(expect.arrayContaining(['good_one', 'fine_before']));
    expect(snap.problems.length).toBeGreaterThanOrEqual(3);
    for (const p of snap.problems) expect(p.file.startsWith('include/')).toBe(true);
    expect(r.stderr).toMatch(/^tpdrift: .*tree: \d+ definition\(s\) could not be read/);
    // Nothing was read through the links.
    expect(snap.events.every((e) => !e.name.startsWith('loop'))).toBe(true);
    await expect(loadTree(tree)).resolves.toBeDefined();
  });

  it('a syscall generator of unknown form and a SYSCALL_DEFINE that cannot be read: problems, no syscall events', async () => {
    const tree = path.join(tmp, 'tree-syscalls');
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(tree, rel)), { recursive: true });
      fs.writeFileSync(path.join(tree, rel), text);
    };
    write('include/linux/trace_events.h', fs.readFileSync(path.join(import.meta.dirname, '../fixtures/tree/basic/include/linux/trace_events.h'), 'utf8'));
    // One ordinary trace header: a tree with no definitions at all is refused before its syscalls are looked at.
    write(
      'include/trace/events/one.h',
      '#undef TRACE_SYSTEM\n#define TRACE_SYSTEM one\n#include <linux/tracepoint.h>\nTRACE_EVENT(one_event,\n\tTP_PROTO(int x),\n\tTP_ARGS(x),\n' +
        '\tTP_STRUCT__entry(__field(int, x)),\n\tTP_fast_assign(__entry->x = x;),\n\tTP_printk("x=%d", __entry->x)\n);\n#include <trace/define_trace.h>\n',
    );
    write('arch/x86/entry/syscalls/syscall_64.tbl', '0\tcommon\tread\t\t\tsys_read\n1\tcommon\twrite\t\t\tsys_write\n');
    write('fs/read_write.c', 'SYSCALL_DEFINE3(read, unsigned int, fd, char __user *, buf)\n{\n}\nSYSCALL_DEFINE3(write, unsigned int, fd, const char __user *, buf, size_t, count)\n{\n}\n');
    write('kernel/trace/trace_syscalls.c', 'SYSCALL_FIELD(int, __syscall_nr),\n/* never closed\n');
    const r = await run(['extract', tree]);
    expect(r.code).toBe(0);
    const snap = JSON.parse(r.stdout) as { events: { kind: string }[]; problems: { file: string; line?: number; message: string }[] };
    expect(snap.events.filter((e) => e.kind === 'syscall')).toEqual([]);
    expect(snap.problems).toEqual([
      { file: 'fs/read_write.c', line: 1, message: 'SYSCALL_DEFINE3(read): expected a name and 3 type/name pairs, found 5 arguments' },
      { file: 'kernel/trace/trace_syscalls.c', message: 'syscall events not predicted: kernel/trace/trace_syscalls.c: unterminated comment' },
    ]);
  });
});
