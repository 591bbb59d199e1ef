/**
 * The package as a user gets it: `npm pack`, installed into an empty folder, imported as a library and run as
 * a command. Needs the npm registry (or npm's cache) for the dependencies, as any install does.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createTwoFilesPatch } from 'diff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '..', '..');
const OLD = path.join(repo, 'snapshots', 'debian-linux-source-6.1.176.json.gz');
const NEW = path.join(repo, 'snapshots', 'debian-linux-source-6.12.117.json.gz');
let tmp: string;
let app: string;

const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 << 20 });

/** Runs a command that may exit non-zero; returns its code and output. */
function outcome(cmd: string, args: string[], cwd: string): { code: number; stdout: string } {
  try {
    return { code: 0, stdout: run(cmd, args, cwd) };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { code: err.status, stdout: err.stdout };
  }
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-pack-'));
  // dist/ was built by `npm test`; --ignore-scripts skips building it a second time.
  const out = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], repo);
  const [{ filename }] = JSON.parse(out) as { filename: string }[];
  app = path.join(tmp, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(tmp, filename)], app);
}, 300_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface LsNode {
  version?: string;
  extraneous?: boolean;
  invalid?: string | boolean;
  missing?: boolean;
  problems?: string[];
  dependencies?: Record<string, LsNode>;
}

/** Every package installed under `dir`'s node_modules, nested ones too, as name@version. */
function installedPackages(dir: string): string[] {
  const out: string[] = [];
  const visit = (modules: string): void => {
    let entries: string[];
    try {
      entries = fs.readdirSync(modules);
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.startsWith('.')) continue;
      const names = e.startsWith('@') ? fs.readdirSync(path.join(modules, e)).map((n) => `${e}/${n}`) : [e];
      for (const name of names) {
        const at = path.join(modules, name);
        try {
          const pkg = JSON.parse(fs.readFileSync(path.join(at, 'package.json'), 'utf8')) as { name: string; version: string };
          out.push(`${pkg.name}@${pkg.version}`);
        } catch {
          continue;
        }
        visit(path.join(at, 'node_modules'));
      }
    }
  };
  visit(path.join(dir, 'node_modules'));
  return out.sort();
}

describe('the packed package, installed into an empty folder', () => {
  it('installs a consistent dependency set: npm ls finds no problem, and there is one tree-sitter runtime, not native', () => {
    // `npm ls` exits non-zero when it finds problems; its JSON says which.
    const ls = JSON.parse(outcome('npm', ['ls', '--all', '--json'], app).stdout) as LsNode;
    expect(ls.problems ?? []).toEqual([]);
    const flagged: string[] = [];
    const walk = (deps: Record<string, LsNode> | undefined, trail: string): void => {
      for (const [name, d] of Object.entries(deps ?? {})) {
        if (d.extraneous || d.invalid || d.missing) flagged.push(`${trail}${name}@${d.version ?? '?'}`);
        walk(d.dependencies, `${trail}${name} > `);
      }
    };
    walk(ls.dependencies, '');
    expect(flagged).toEqual([]);

    const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
    const installed = installedPackages(app);
    expect(installed).toContain(`tpdrift@${pkg.version}`);
    // On disk, not as npm ls dedupes it: an extraneous copy is a copy all the same.
    expect(installed.filter((p) => /^(web-)?tree-sitter@/.test(p))).toEqual([`web-tree-sitter@${pkg.dependencies['web-tree-sitter']}`]);
    expect(installed.filter((p) => p.startsWith('tree-sitter-c@'))).toEqual([]);
    // The grammar the tree reader loads is tree-sitter-c's own wasm, as the repository's development dependency has it.
    const shipped = fs.readFileSync(path.join(app, 'node_modules', 'tpdrift', 'dist', 'grammar', 'tree-sitter-c.wasm'));
    expect(shipped.equals(fs.readFileSync(path.join(repo, 'node_modules', 'tree-sitter-c', 'tree-sitter-c.wasm')))).toBe(true);
  });

  it('reads a real tree with the packaged parser as the repository reads it (parse cache off, so the parser runs)', () => {
    const tree = path.join(repo, 'test', 'fixtures', 'tree-real', 'linux-6.12');
    const env = { ...process.env, TPDRIFT_PARSE_CACHE: '0' };
    const extract = (bin: string, out: string): Buffer => {
      execFileSync(process.execPath, [bin, 'extract', tree, '-o', out], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
      return zlib.gunzipSync(fs.readFileSync(out));
    };
    const installed = extract(path.join(app, 'node_modules', 'tpdrift', 'bin', 'tpdrift.js'), path.join(tmp, 'installed.json.gz'));
    const here = extract(path.join(repo, 'bin', 'tpdrift.js'), path.join(tmp, 'here.json.gz'));
    expect(JSON.parse(installed.toString('utf8')).events.length).toBeGreaterThan(0);
    expect(installed.equals(here)).toBe(true);
  });

  it('imports as a library, and its diff is the one the repository computes', async () => {
    const script = `
      const t = await import('tpdrift');
      const o = await t.diff(${JSON.stringify(OLD)}, ${JSON.stringify(NEW)});
      const md = await t.render(o, { format: 'json' });
      process.stdout.write(JSON.stringify({ summary: o.report.summary, rules: t.RULES.length, kinds: t.ARGUMENT_KINDS, json: md.length }));
    `;
    const got = JSON.parse(run('node', ['--input-type=module', '-e', script], app)) as { summary: Record<string, number>; rules: number; kinds: string[]; json: number };
    const { diff, render, RULES, ARGUMENT_KINDS } = await import('../../src/index.js');
    const here = await diff(OLD, NEW);
    expect(got.summary).toEqual(here.report.summary);
    expect(got.summary.error).toBeGreaterThan(0);
    expect(got.rules).toBe(RULES.length);
    expect(got.kinds).toEqual([...ARGUMENT_KINDS]);
    expect(got.json).toBe((await render(here, { format: 'json' })).length);
  });

  it('exposes only the package entry point (no deep imports by accident)', () => {
    const r = outcome('node', ['--input-type=module', '-e', "await import('tpdrift/dist/src/diff/compare.js')"], app);
    expect(r.code).not.toBe(0);
  });

  it('runs as a command: npx tpdrift diff prints the report and exits 1 on errors; rules lists every rule', async () => {
    const r = outcome('npx', ['--no-install', 'tpdrift', 'diff', OLD, NEW, '--format', 'json'], app);
    expect(r.code).toBe(1);
    const { diff } = await import('../../src/index.js');
    expect(JSON.parse(r.stdout).summary).toEqual((await diff(OLD, NEW)).report.summary);
    const rules = outcome('npx', ['--no-install', 'tpdrift', 'rules'], app);
    expect(rules.code).toBe(0);
    expect(rules.stdout).toContain('event-removed');
    const page = outcome('npx', ['--no-install', 'tpdrift', 'rules', 'field-removed'], app);
    expect(page.stdout).toMatch(/^# field-removed/m);
  });

  it('runs every command from the installed folder, on real data', () => {
    const bin = path.join(app, 'node_modules', '.bin', 'tpdrift');
    const cli = (args: string[], input?: string) => {
      const r = spawnSync(bin, args, { cwd: app, encoding: 'utf8', maxBuffer: 256 << 20, ...(input !== undefined ? { input } : {}) });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const capture = path.join(repo, 'test', 'fixtures', 'tracefs-linux-6.18.44-x86_64.tar.gz');
    const tree = path.join(repo, 'test', 'fixtures', 'tree-real', 'linux-6.1');

    const extract = cli(['extract', capture, '-o', 'capture.json.gz']);
    expect([extract.code, extract.stderr]).toEqual([0, '']);
    const lint = cli(['lint', tree, '--format', 'json', '--fail-on', 'none']);
    expect(lint.code).toBe(0);
    expect(JSON.parse(lint.stdout).findings.length).toBeGreaterThan(0);

    const scoped = cli(['diff', OLD, NEW, '--events', 'sched:*', '--summary']);
    expect(scoped.code).toBe(1);
    expect(scoped.stdout).toContain('SUMMARY (');
    expect(scoped.stdout).toMatch(/^1 error, \d+ warnings, \d+ info$/m);
    const cross = cli(['diff', 'capture.json.gz', capture, '--format', 'sarif']);
    expect(cross.code).toBe(0);
    expect(JSON.parse(cross.stdout).runs[0].results).toEqual([]);

    const sched = 'include/trace/events/sched.h';
    const before = fs.readFileSync(path.join(tree, sched), 'utf8');
    const after = fs.readFileSync(path.join(repo, 'test', 'fixtures', 'tree-real', 'linux-6.12', sched), 'utf8');
    const patch = createTwoFilesPatch(`a/${sched}`, `b/${sched}`, before, after);
    const checked = cli(['check-patch', '-', '--tree', tree, '--format', 'json', '--fail-on', 'none'], patch);
    expect(checked.code).toBe(0);
    expect(JSON.parse(checked.stdout).findings.map((f: { rule: string; event: string }) => `${f.rule} ${f.event}`)).toContain('field-removed sched:sched_stat_runtime');

    const dir = path.join(tmp, 'capture');
    fs.mkdirSync(dir);
    execFileSync('tar', ['-xzf', capture, '-C', dir]);
    const snap = cli(['snapshot', '--tracefs', dir]);
    expect(snap.code).toBe(0);
    expect(JSON.parse(snap.stdout).events).toHaveLength(2323);

    const hist = cli(['history', OLD, NEW, '--events', 'sched:*']);
    expect(hist.code).toBe(0);
    expect(hist.stdout).toMatch(/^sched:sched_stat_runtime +● +~ /m);
  });
});
