/** tpdrift never executes its input and its output does not depend on the clock, the zone or the locale. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('never executes input, never touches the network', () => {
  it('no shell, process, eval or network API in the runtime code (src/, rules/)', () => {
    const banned = [/\bchild_process\b/, /\bexecSync\b|\bexecFile\b|\bspawn\(/, /\beval\(/, /\bnew Function\(/, /\bfetch\(/, /from 'node:(?:http|https|net|dgram|dns|tls)'/];
    const offenders = [...sources(path.join(ROOT, 'src')), ...sources(path.join(ROOT, 'rules'))].flatMap((f) => {
      const text = fs.readFileSync(f, 'utf8');
      return banned.filter((re) => re.test(text)).map((re) => `${path.relative(ROOT, f)}: ${re}`);
    });
    expect(offenders).toEqual([]);
  });
});

describe('determinism across time zones and locales', () => {
  it('diff --format json and extract are byte-identical under other TZ and LANG', () => {
    const run = (env: Record<string, string>, args: string[]) =>
      spawnSync(process.execPath, [path.join(ROOT, 'bin/tpdrift.js'), ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'buffer', maxBuffer: 64 << 20 }).stdout;
    const diff = ['diff', 'snapshots/debian-linux-source-6.1.176.json.gz', 'snapshots/debian-linux-source-6.12.117.json.gz', '-f', 'json', '--fail-on', 'none'];
    const extract = ['extract', 'test/fixtures/tracefs-linux-6.18.44-x86_64.tar.gz'];
    for (const args of [diff, extract]) {
      const a = run({ TZ: 'UTC', LANG: 'C' }, args);
      const b = run({ TZ: 'Pacific/Chatham', LANG: 'de_DE.UTF-8', LC_ALL: 'tr_TR.UTF-8' }, args);
      expect(a.length).toBeGreaterThan(1000);
      expect(a.equals(b)).toBe(true);
    }
  });
});
