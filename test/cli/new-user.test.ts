/**
 * What a new user tripped on, on real data (the Debian snapshots, the real 6.1 headers, the 6.18.44
 * capture): a mistyped option, a trace directory given for a tree, a directory with no trace headers, a
 * history filter matching nothing or kernels given newest first, a history row marked changed without a
 * reason, and `snapshot` without -o.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpackCapture618 } from '../helpers/captures.js';
import { runCli } from '../helpers/cli.js';

const OLD = 'snapshots/debian-linux-source-6.1.176.json.gz';
const NEW = 'snapshots/debian-linux-source-6.12.117.json.gz';
const TREE = 'test/fixtures/tree-real/linux-6.1';

const run = (args: string[]) => runCli(args);

let tmp: string;
let capture: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-newuser-'));
  capture = unpackCapture618();
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(capture, { recursive: true, force: true });
});

describe('usage mistakes', () => {
  it('a mistyped option is named once, with the option it was probably meant to be', async () => {
    const r = await run(['diff', OLD, NEW, '--fial-on', 'warning']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('tpdrift: unknown option: --fial-on (did you mean --fail-on?)');
    expect(r.stderr).not.toContain('fialOn');
  });

  it('lint of <tree>/include/trace/events points at the tree root', async () => {
    const r = await run(['lint', `${TREE}/include/trace/events`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`\\(this is part of a kernel source tree: give its root, ${TREE}\\)\\n$`));
  });

  it('lint of a directory without trace headers is an error, not "no findings"', async () => {
    const dir = path.join(tmp, 'not-a-tree');
    fs.mkdirSync(path.join(dir, 'kernel'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'kernel/fork.c'), 'int main(void) { return 0; }\n');
    const r = await run(['lint', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`tpdrift: ${dir}: no trace event definitions found: is this the root of a kernel source tree?\n`);
  });
});

describe('history', () => {
  it('--events matching no event is an error with a did-you-mean, not "0 of 0 events changed"', async () => {
    const r = await run(['history', OLD, NEW, '--events', 'shced:*']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("--events shced:*: no event matches it on either side (did you mean 'sched:*'?)");
  });

  it('kernels given newest first are noticed', async () => {
    const r = await run(['history', NEW, OLD, '--events', 'sched:*']);
    expect(r.stderr).toMatch(/^tpdrift: warning: kernels are read oldest first, but 6\.12\.117 .* comes before 6\.1\.176 /);
    expect((await run(['history', OLD, NEW, '--events', 'sched:*'])).stderr).toBe('');
  });

  it('text marks every changed event with the rules that saw the change', async () => {
    const r = await run(['history', OLD, NEW, '--events', 'sched:*']);
    const changed = r.stdout.split('\n').filter((l) => /^sched:\S+ +● +~/.test(l));
    expect(changed.length).toBeGreaterThan(5);
    for (const l of changed) expect(l).toMatch(/ {3}6\.12\.117: [a-z-]+(, [a-z-]+)*$/);
    expect(r.stdout).toMatch(/^sched:sched_stat_runtime +● +~ +6\.12\.117: .*field-removed/m);
  });
});

describe('snapshot', () => {
  it('without -o writes the snapshot to stdout, as extract does', async () => {
    const r = await run(['snapshot', '--tracefs', capture]);
    expect(r.code).toBe(0);
    const snap = JSON.parse(r.stdout);
    expect(snap.schema).toBe('tpdrift/snapshot@1');
    expect(snap.events).toHaveLength(2323);
  });

  it('with -o says where it went and what it holds, on stderr', async () => {
    const out = path.join(tmp, 'live.json.gz');
    const r = await run(['snapshot', '--tracefs', capture, '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`tpdrift: wrote ${out}: 2323 events in 102 systems (6.18.44 x86_64)\n`);
    expect(fs.existsSync(out)).toBe(true);
  });
});
