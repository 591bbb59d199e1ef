/**
 * How check-patch takes its patch and says when it does not apply, on the real 6.1 and 6.12 sched.h: a real
 * pipe into the built command (not a file standing in for stdin), and failing hunks numbered and placed as
 * GNU patch numbers them (checked against `patch --dry-run` itself when it is installed).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTwoFilesPatch, parsePatch } from 'diff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstFailingHunk, lineCount } from '../../src/patch/hunks.js';
import { protectStdinDash } from '../../src/cli/stdin-arg.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(ROOT, 'bin/tpdrift.js');
const REAL = path.join(ROOT, 'test/fixtures/tree-real');
const TREE = path.join(REAL, 'linux-6.1');
const SCHED = 'include/trace/events/sched.h';
const sched61 = fs.readFileSync(path.join(TREE, SCHED), 'utf8');
const sched612 = fs.readFileSync(path.join(REAL, 'linux-6.12', SCHED), 'utf8');
/** Three lines of context, as `diff -u` and `git diff` write them. */
const gitDiff = (a: string, b: string): string => createTwoFilesPatch(`a/${SCHED}`, `b/${SCHED}`, a, b, undefined, undefined, { context: 3 });

/** `text` with a marker appended to every 40th line from line 21: a patch of many small hunks. */
const everyFortieth = (text: string): string =>
  text
    .split('\n')
    .map((l, i) => (i >= 20 && (i - 20) % 40 === 0 && i < text.split('\n').length - 1 ? `${l} /* edited */` : l))
    .join('\n');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-patch-input-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[], input?: string) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', ...(input !== undefined ? { input } : {}) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('check-patch -: the patch from a real pipe', () => {
  it('reads the 6.1 → 6.12 sched.h change from stdin as it reads it from a file', () => {
    const patch = gitDiff(sched61, sched612);
    const file = path.join(dir, 'sched.patch');
    fs.writeFileSync(file, patch);
    const viaFile = cli(['check-patch', file, '--tree', TREE, '-f', 'json', '--fail-on', 'none']);
    const viaPipe = cli(['check-patch', '-', '--tree', TREE, '-f', 'json', '--fail-on', 'none'], patch);
    expect(viaPipe.stderr).toBe('');
    expect(viaPipe.code).toBe(0);
    const fromPipe = JSON.parse(viaPipe.stdout);
    expect(fromPipe.findings.length).toBeGreaterThan(5);
    expect(fromPipe.findings.map((f: { rule: string; event: string }) => `${f.rule} ${f.event}`)).toContain('field-removed sched:sched_stat_runtime');
    expect(fromPipe.findings).toEqual(JSON.parse(viaFile.stdout).findings);
    expect(fromPipe.new.label).toBe(`${TREE} + (stdin)`);
    // The header names the release, as diff and lint do.
    expect(cli(['check-patch', '-', '--tree', TREE, '--fail-on', 'none'], patch).stdout.split('\n')[0]).toMatch(/\(tree, [^,]*x86_64, \d+ events\)$/);
  });

  it('a lone - is a positional only where no option takes it as its value', () => {
    expect(protectStdinDash(['check-patch', '-', '--tree', 'T'])).not.toContain('-');
    expect(protectStdinDash(['check-patch', 'a.patch', '-o', '-'])).toEqual(['check-patch', 'a.patch', '-o', '-']);
    expect(protectStdinDash(['check-patch', '--summary', '-', '--tree', 'T'])[2]).not.toBe('-');
  });
});

describe('a patch that does not apply', () => {
  it('names the hunk and line GNU patch names, and counts the file’s lines as it has them', () => {
    // Made against 6.12's sched.h (830 lines), applied to 6.1's (741): hunks past line 742 lie outside the
    // file, but an earlier one fails first.
    const patch = gitDiff(sched612, everyFortieth(sched612));
    const file = path.join(dir, 'on-6.12.patch');
    fs.writeFileSync(file, patch);
    const r = cli(['check-patch', file, '--tree', TREE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tpdrift: ${file}: does not apply to ${SCHED}: hunk 11 (@@ -418,7 +418,7 @@) does not match at line 418 (the file has 741 lines)\n`);
    expect(lineCount(sched61)).toBe(741);
    expect(lineCount(sched61)).toBe(sched61.split('\n').length - 1);

    // check-patch applies hunks exactly, as `git apply` and `patch -F0` do (GNU patch's default fuzz of 2 would
    // apply hunk 11 with its outer context lines ignored).
    const gnu = spawnSync('patch', ['--dry-run', '-F0', '-o', '/dev/null', path.join(TREE, SCHED)], { input: patch, encoding: 'utf8' });
    if (gnu.error) return; // GNU patch not installed: the numbers above were read from it (patch 2.7.6).
    expect(gnu.stdout + gnu.stderr).toMatch(/Hunk #11 FAILED at 418\./);
    expect((gnu.stdout + gnu.stderr).match(/Hunk #(\d+) FAILED/)![1]).toBe('11');
  });

  it('a local edit in one hunk’s context fails that hunk, in order, whatever follows', () => {
    const patch = parsePatch(gitDiff(sched61, everyFortieth(sched61)))[0]!;
    expect(patch.hunks.length).toBe(19);
    expect(firstFailingHunk(sched61, patch)).toBeUndefined();
    const lines = sched61.split('\n');
    lines[20 + 40 * 9] = `${lines[20 + 40 * 9]} /* local change */`;
    expect(firstFailingHunk(lines.join('\n'), patch)).toEqual({ hunk: 10, at: patch.hunks[9]!.oldStart, reason: 'mismatch' });
    // Lines moved down by an insertion above: found at their offset, as GNU patch finds them.
    const shifted = ['/* one */', '/* two */', ...sched61.split('\n')].join('\n');
    expect(firstFailingHunk(shifted, patch)).toBeUndefined();
  });
});
