/**
 * The bad-input catalog, part two (part one is ./bad-input.test.ts): print formats that do not close, links
 * inside a capture, directories and files in each other's places, header files, oversized archive members,
 * snapshots that are not UTF-8 or not tpdrift's, output paths that cannot be written, permission denied on
 * each kind of input as an unprivileged user, and --debug. Inputs are real 6.18.44 formats, mutated.
 * Every case: exit 2, one stderr line `tpdrift: FILE[:LINE]: MESSAGE`, nothing on stdout, no stack trace,
 * an existing -o file untouched and no temporary file left beside it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { capture618 } from '../helpers/captures.js';
import { tarGz } from './tar-builder.js';
import { runCli } from '../helpers/cli.js';

const ROOT = path.join(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/tpdrift.js');
const SNAP = path.join(ROOT, 'snapshots/linux-6.18.44-x86_64.tracefs.json');
const SWITCH = 'events/sched/sched_switch/format';
let tmp: string;
let files: Map<string, Buffer>;
let n = 0;

const run = (args: string[]) => runCli(args, { cwd: tmp });

/** A real capture (the sched and irq systems of 6.18.44, with the headers) written to a fresh directory, edited. */
function capture(edit: (dir: string) => void = () => {}): string {
  const dir = path.join(tmp, `capture-${++n}`);
  for (const [rel, data] of files) {
    if (!/^events\/(sched|irq)\//.test(rel) && rel.includes('/format')) continue;
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), data);
  }
  edit(dir);
  return dir;
}
const realSwitch = (): string => files.get(SWITCH)!.toString('utf8');
const replaceIn = (dir: string, rel: string, from: string | RegExp, to: string) => {
  const text = fs.readFileSync(path.join(dir, rel), 'utf8');
  const out = text.replace(from, to);
  if (out === text) throw new Error(`edit of ${rel} changed nothing`);
  fs.writeFileSync(path.join(dir, rel), out);
};
const write = (name: string, data: string | Buffer): string => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, data);
  return p;
};
const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-catalog-'));
  fs.chmodSync(tmp, 0o755); // the unprivileged cases below must be able to reach their inputs
  files = (await capture618()).files;
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Case {
  name: string;
  /** Returns the argument list (after the command) and the expected stderr line without `tpdrift: `. */
  setup: () => { args: string[]; error: string | RegExp };
  command?: string;
}

const CASES: Case[] = [
  {
    name: 'an unterminated string in a print format',
    setup: () => {
      const dir = capture((d) => replaceIn(d, SWITCH, 'REC->prev_comm, REC->prev_pid', 'REC->prev_comm, "oops, REC->prev_pid'));
      return { args: [dir], error: `${dir}:${SWITCH}:${lineOf(realSwitch(), 'print fmt:')}: unreadable print fmt: unterminated string literal` };
    },
  },
  {
    name: 'an unterminated comment in a print format',
    setup: () => {
      const dir = capture((d) => replaceIn(d, SWITCH, 'REC->prev_comm, REC->prev_pid', 'REC->prev_comm /* never closed, REC->prev_pid'));
      return { args: [dir], error: `${dir}:${SWITCH}:${lineOf(realSwitch(), 'print fmt:')}: unreadable print fmt: unterminated comment` };
    },
  },
  {
    name: 'unbalanced brackets deep inside a print argument',
    setup: () => {
      const dir = capture((d) => replaceIn(d, SWITCH, '(REC->prev_state & ((((0x00000000 | 0x00000001', '(REC->prev_state & ((((0x00000000 ] 0x00000001'));
      return { args: [dir], error: new RegExp(`:${SWITCH}:${lineOf(realSwitch(), 'print fmt:')}: unreadable print fmt: `) };
    },
  },
  {
    name: 'a system directory that is a link out of the capture',
    setup: () => {
      const outside = capture();
      const dir = capture((d) => fs.symlinkSync(path.join(outside, 'events/irq'), path.join(d, 'events/evil')));
      return { args: [dir], error: `${dir}/events/evil: symbolic link: not followed` };
    },
  },
  {
    name: 'a symbolic link loop inside the capture',
    setup: () => {
      const dir = capture((d) => fs.symlinkSync('..', path.join(d, 'events/sched/loop')));
      return { args: [dir], error: `${dir}/events/sched/loop: symbolic link: not followed` };
    },
  },
  {
    name: 'a directory where a format file belongs',
    setup: () => {
      const dir = capture((d) => {
        fs.rmSync(path.join(d, SWITCH));
        fs.mkdirSync(path.join(d, SWITCH));
      });
      return { args: [dir], error: `${dir}/${SWITCH}: not a regular file` };
    },
  },
  {
    name: 'a FIFO where a format file belongs (refused, not waited on)',
    setup: () => {
      const dir = capture((d) => {
        fs.rmSync(path.join(d, SWITCH));
        execFileSync('mkfifo', [path.join(d, SWITCH)]);
      });
      return { args: [dir], error: `${dir}/${SWITCH}: not a regular file` };
    },
  },
  {
    name: 'a VERSION file that is a symbolic link',
    setup: () => {
      const dir = capture((d) => {
        fs.rmSync(path.join(d, 'VERSION'), { force: true });
        fs.symlinkSync('/etc/passwd', path.join(d, 'VERSION'));
      });
      return { args: [dir], error: `${dir}/VERSION: symbolic link: not followed` };
    },
  },
  {
    name: 'an empty format file (truncated to nothing)',
    setup: () => {
      const dir = capture((d) => fs.writeFileSync(path.join(d, SWITCH), ''));
      return { args: [dir], error: `${dir}:${SWITCH}: not a format file (no 'name:' line)` };
    },
  },
  {
    name: 'a format file in the wrong event directory',
    setup: () => {
      const dir = capture((d) => fs.writeFileSync(path.join(d, SWITCH), files.get('events/sched/sched_wakeup/format')!));
      return { args: [dir], error: `${dir}:${SWITCH}: names event 'sched_wakeup' but lives in directory 'sched_switch'` };
    },
  },
  {
    name: 'garbage in events/header_page',
    setup: () => {
      const dir = capture((d) => fs.appendFileSync(path.join(d, 'events/header_page'), '\tfield: u64 junk\n'));
      const line = files.get('events/header_page')!.toString('utf8').split('\n').length;
      return { args: [dir], error: `${dir}:events/header_page:${line}: malformed field line 'field: u64 junk'` };
    },
  },
  {
    name: 'an archive member over the 1 MiB cap',
    setup: () => {
      const p = write('big-member.tar.gz', tarGz([{ name: 'events/sched/sched_switch/format', text: realSwitch() + ' '.repeat(1 << 20) }]));
      return { args: [p], error: `${p}: archive member 'events/sched/sched_switch/format' is larger than 1048576 bytes` };
    },
  },
  {
    name: 'an archive with no format files at all',
    setup: () => {
      const p = write('no-formats.tar.gz', tarGz([{ name: 'README', text: 'hello\n' }]));
      return { args: [p], error: `${p}: no events/<system>/<event>/format files found` };
    },
  },
  {
    name: 'a snapshot with non-UTF-8 bytes (they used to become U+FFFD in a field name, silently)',
    setup: () => {
      const text = fs.readFileSync(SNAP, 'utf8');
      const at = text.indexOf('"prev_comm"');
      const p = write('latin1.json', Buffer.concat([Buffer.from(text.slice(0, at + 3)), Buffer.from([0xf6]), Buffer.from(text.slice(at + 3))]));
      return { args: [p], error: `${p}:${lineOf(text, '"prev_comm"')}: not valid UTF-8 text` };
    },
  },
  { name: 'an empty snapshot file', setup: () => ({ args: [write('empty.json', '')], error: /empty\.json: not valid JSON \(Unexpected end of JSON input\)$/ }) },
  { name: "another tool's JSON", setup: () => ({ args: [write('other.json', '{"version": 2, "events": []}')], error: /other\.json: not a tpdrift snapshot \(no 'schema'\)$/ }) },
  { name: 'a JSON array, not an object', setup: () => ({ args: [write('array.json', '[1, 2]')], error: /array\.json: not a tpdrift snapshot \(not a JSON object\)$/ }) },
  {
    name: 'a gzip snapshot that holds binary garbage',
    setup: () => ({ args: [write('garbage.json.gz', zlib.gzipSync(Buffer.from([0, 1, 2, 0xff, 0xfe])))], error: /garbage\.json\.gz:1: not valid UTF-8 text$/ }),
  },
  {
    name: 'a directory forced to be read as a snapshot (--kind snapshot)',
    setup: () => {
      const dir = capture();
      return { args: [dir, '--kind', 'snapshot'], error: `${dir}: is a directory, not a snapshot file` };
    },
  },
  {
    name: 'a snapshot forced to be read as a tracefs capture (--kind tracefs)',
    setup: () => ({ args: [SNAP, '--kind', 'tracefs'], error: `${SNAP}: a file, but not a .tar/.tar.gz archive (tracefs sources are directories or archives)` }),
  },
];

describe('bad input, part two: exit 2, one line naming the file, nothing written', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const { args, error } = c.setup();
      const out = path.join(tmp, `out-${++n}.json`);
      fs.writeFileSync(out, 'previous contents\n');
      const r = await run(['extract', ...args, '-o', out]);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(r.stderr.endsWith('\n')).toBe(true);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      if (typeof error === 'string') expect(lines[0]).toBe(`tpdrift: ${error}`);
      else expect(lines[0]!.replace(/^tpdrift: /, '')).toMatch(error);
      expect(r.code).toBe(2);
      expect(fs.readFileSync(out, 'utf8')).toBe('previous contents\n');
      expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  }

  it('diff names the side that is bad, and writes no report', async () => {
    const bad = write('bad-side.json', '{"schema": "tpdrift/snapshot@1"');
    const out = write('report.json', 'previous report\n');
    for (const args of [[SNAP, bad], [bad, SNAP]]) {
      const r = await run(['diff', ...args, '-f', 'json', '-o', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^tpdrift: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: not valid JSON \\(.*\\)\n$`));
      expect(fs.readFileSync(out, 'utf8')).toBe('previous report\n');
    }
  });
});

describe('output paths that cannot be written', () => {
  it('-o into a directory that does not exist: exit 2, nothing created', async () => {
    const out = path.join(tmp, 'no-such-dir', 'snap.json');
    const r = await run(['extract', SNAP, '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tpdrift: ${out}: directory does not exist\n`);
    expect(fs.existsSync(path.dirname(out))).toBe(false);
  });

  it('-o naming a directory: exit 2, the directory untouched, no temporary file left', async () => {
    const out = path.join(tmp, 'a-directory.json');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'keep'), 'x');
    const r = await run(['extract', SNAP, '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^tpdrift: ${out}: .+\n$`));
    expect(fs.readdirSync(out)).toEqual(['keep']);
    expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('successful writes', () => {
  it('-o writes exactly what stdout would show, atomically, and leaves nothing else beside it', async () => {
    const dir = path.join(tmp, 'good-out');
    fs.mkdirSync(dir);
    const json = path.join(dir, 'snap.json');
    fs.writeFileSync(json, 'an older snapshot\n');
    const viaStdout = await run(['extract', SNAP]);
    expect(await run(['extract', SNAP, '-o', json])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(fs.readFileSync(json, 'utf8')).toBe(viaStdout.stdout);
    const gz = path.join(dir, 'snap.json.gz');
    expect((await run(['extract', SNAP, '-o', gz])).code).toBe(0);
    expect(zlib.gunzipSync(fs.readFileSync(gz)).toString('utf8')).toBe(viaStdout.stdout);
    const report = path.join(dir, 'report.sarif');
    const sarifStdout = await run(['diff', SNAP, gz, '-f', 'sarif']);
    expect((await run(['diff', SNAP, gz, '-f', 'sarif', '-o', report])).code).toBe(0);
    expect(fs.readFileSync(report, 'utf8')).toBe(sarifStdout.stdout);
    expect(fs.readdirSync(dir).sort()).toEqual(['report.sarif', 'snap.json', 'snap.json.gz']);
  });
});

describe('--debug', () => {
  /** An internal error: the output stream fails (a closed pipe would look like this). */
  const failingIo = (sink: { stderr: string }) => ({
    stdout: () => {
      throw new TypeError('stream exploded');
    },
    stderr: (s: string) => (sink.stderr += s),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: {},
    cwd: ROOT,
  });

  it('an internal error is one line without --debug', async () => {
    const sink = { stderr: '' };
    const code = await main(['rules'], failingIo(sink));
    expect(code).toBe(2);
    expect(sink.stderr).toBe('tpdrift: internal error: stream exploded (run with --debug for details)\n');
  });

  it('and a stack trace with --debug', async () => {
    const sink = { stderr: '' };
    const code = await main(['rules', '--debug'], failingIo(sink));
    expect(code).toBe(2);
    expect(sink.stderr).toMatch(/^TypeError: stream exploded\n\s+at /);
  });
});

describe('permission denied, as an unprivileged user (the tests run as root, and root reads everything)', () => {
  const asNobody = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: tmp });
  const rootOnly = (p: string, mode: number) => fs.chmodSync(p, mode);

  it('the real EACCES path is exercised: the child really cannot read what root can', () => {
    const p = write('probe', 'x');
    rootOnly(p, 0o600);
    const r = spawnSync(process.execPath, ['-e', `require('fs').readFileSync(${JSON.stringify(p)})`], { uid: 65534, gid: 65534, encoding: 'utf8' });
    expect(r.stderr).toMatch(/EACCES/);
  });

  it('an unreadable snapshot file', () => {
    const p = write('private.json', fs.readFileSync(SNAP));
    rootOnly(p, 0o600);
    const r = asNobody(['extract', p]);
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', `tpdrift: ${p}: permission denied\n`]);
  });

  it('an unreadable system directory in a capture', () => {
    const dir = capture((d) => fs.chmodSync(path.join(d, 'events/irq'), 0o700));
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(path.join(dir, 'events'), 0o755);
    const r = asNobody(['extract', dir]);
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', `tpdrift: ${dir}/events/irq: permission denied\n`]);
  });

  it('an unreadable archive', () => {
    const p = write('private.tar.gz', tarGz([{ name: SWITCH, text: realSwitch() }]));
    rootOnly(p, 0o600);
    const r = asNobody(['extract', p]);
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', `tpdrift: ${p}: permission denied\n`]);
  });

  it('an output directory the user may not write to: exit 2, the old file kept, nothing else there', () => {
    const dir = path.join(tmp, 'readonly-out');
    fs.mkdirSync(dir);
    const out = path.join(dir, 'snap.json');
    fs.writeFileSync(out, 'previous contents\n');
    fs.chmodSync(out, 0o666);
    fs.chmodSync(dir, 0o755);
    const r = asNobody(['extract', SNAP, '-o', out]);
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', `tpdrift: ${out}: permission denied\n`]);
    expect(fs.readdirSync(dir)).toEqual(['snap.json']);
    expect(fs.readFileSync(out, 'utf8')).toBe('previous contents\n');
  });
});
