/**
 * tpdrift never executes what it is given and never touches the network: no shell, compiler or preprocessor
 * is run on a tree, a capture, a snapshot or a patch. Checked twice:
 * - statically (complementing ./safety.test.ts): no process, vm, network or inspector module is imported, and
 *   every dynamic import()/require() names a fixed module (a module path from input would run input);
 * - at run time: the real binary runs every command on real inputs with child_process, vm, net, http(s),
 *   dgram, dns, tls and fetch replaced by traps (preloaded with --require); a trap that fires fails the test.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/tpdrift.js');
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-noexec-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Modules through which code could run a program, evaluate text or reach the network. */
const FORBIDDEN_MODULES = ['child_process', 'vm', 'http', 'https', 'http2', 'net', 'dgram', 'dns', 'tls', 'cluster', 'inspector', 'repl'];
/** Allowed with a reason. */
const ALLOWED: Record<string, string> = {
  // The tree source reads files in worker threads running tpdrift's own compiled module (a fixed URL); threads
  // share the process and run no other program.
  'src/sources/tree/pool.ts: worker_threads': 'own module in threads',
  'src/sources/tree/worker.ts: worker_threads': 'that module: receives file names, returns scans',
  // A whole-tree extraction runs in a thread of its own (its heap is dropped with it), again tpdrift's own module.
  'src/sources/tree/isolate.ts: worker_threads': 'own module in a thread',
  'src/sources/tree/tree-worker.ts: worker_threads': 'that module: receives a root, returns a snapshot',
};

describe('statically: no way to run input', () => {
  const files = [...sources(path.join(ROOT, 'src')), ...sources(path.join(ROOT, 'rules'))];

  it('reads the runtime code (src/, rules/)', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('imports no process, vm, network or inspector module', () => {
    const offenders: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](?:node:)?([\w/]+)['"]/g)) {
        if (FORBIDDEN_MODULES.includes(m[1]!.split('/')[0]!)) offenders.push(`${path.relative(ROOT, f)}: ${m[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('every dynamic import() and require() names a fixed module', () => {
    const offenders: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const m of text.matchAll(/\b(import|require)\s*\(\s*([^)]*)\)/g)) {
        if (!/^(['"])[^'"]+\1$/.test(m[2]!.trim())) offenders.push(`${path.relative(ROOT, f)}: ${m[0]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('no eval, new Function, exec, spawn, fork, fetch, WebSocket or XMLHttpRequest', () => {
    // Free calls only: `re.exec(text)` is a regular expression, not a process.
    const banned = /(?<![.\w$])(?:eval|exec|execSync|execFile|execFileSync|spawn|spawnSync|fork|fetch)\s*\(|\bnew\s+Function\s*\(|\bWebSocket\b|\bXMLHttpRequest\b/;
    const offenders = files.filter((f) => banned.test(fs.readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''))).map((f) => path.relative(ROOT, f));
    expect(offenders).toEqual([]);
  });

  it('worker threads only where allowed, and only on a fixed module', () => {
    const users = files.filter((f) => /['"](?:node:)?worker_threads['"]/.test(fs.readFileSync(f, 'utf8'))).map((f) => `${path.relative(ROOT, f)}: worker_threads`);
    for (const u of users) expect(ALLOWED[u], u).toBeDefined();
    const pool = fs.readFileSync(path.join(ROOT, 'src/sources/tree/pool.ts'), 'utf8');
    for (const m of pool.matchAll(/new Worker\(\s*([^,)]+)/g)) expect(m[1]!.trim()).toBe('url');
    expect(pool).toMatch(/const url = new URL\('\.\/worker\.js', import\.meta\.url\)/);
    const isolate = fs.readFileSync(path.join(ROOT, 'src/sources/tree/isolate.ts'), 'utf8');
    for (const m of isolate.matchAll(/new Worker\(\s*([^,)]+)/g)) expect(m[1]!.trim()).toBe('url');
    expect(isolate).toMatch(/const url = new URL\('\.\/tree-worker\.js', import\.meta\.url\)/);
  });
});

describe('at run time: every command on real input, with the dangerous APIs trapped', () => {
  it('extract (archive), diff (trees, tree ↔ snapshot) and check-patch run without touching a trap', () => {
    const log = path.join(tmp, 'trap.log');
    const preload = path.join(tmp, 'traps.cjs');
    fs.writeFileSync(
      preload,
      `const fs = require('fs');
      const trap = (name) => function () { fs.appendFileSync(${JSON.stringify(log)}, name + '\\n'); throw new Error('trapped: ' + name); };
      const cp = require('child_process');
      for (const k of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) cp[k] = trap('child_process.' + k);
      const vm = require('vm');
      for (const k of ['runInNewContext', 'runInThisContext', 'runInContext', 'compileFunction']) vm[k] = trap('vm.' + k);
      vm.Script = trap('vm.Script');
      const net = require('net');
      for (const k of ['connect', 'createConnection', 'createServer']) net[k] = trap('net.' + k);
      for (const mod of ['http', 'https']) { const m = require(mod); for (const k of ['request', 'get', 'createServer']) m[k] = trap(mod + '.' + k); }
      require('dgram').createSocket = trap('dgram.createSocket');
      const dns = require('dns'); for (const k of ['lookup', 'resolve']) dns[k] = trap('dns.' + k);
      require('tls').connect = trap('tls.connect');
      globalThis.fetch = trap('fetch');
      require('module').syncBuiltinESMExports();`,
    );
    const tree61 = path.join(ROOT, 'test/fixtures/tree-real/linux-6.1');
    const tree612 = path.join(ROOT, 'test/fixtures/tree-real/linux-6.12');
    const capture = path.join(ROOT, 'test/fixtures/tracefs-linux-6.18.44-x86_64.tar.gz');
    const sched = 'include/trace/events/sched.h';
    const patch = path.join(tmp, 'sched.patch');
    fs.writeFileSync(patch, createTwoFilesPatch(`a/${sched}`, `b/${sched}`, fs.readFileSync(path.join(tree61, sched), 'utf8'), fs.readFileSync(path.join(tree612, sched), 'utf8')));
    const snap = path.join(tmp, 'capture.json.gz');
    const runs: string[][] = [
      ['extract', capture, '-o', snap],
      ['diff', tree61, tree612, '-f', 'sarif', '--fail-on', 'none'],
      ['diff', tree612, snap, '-f', 'html', '--fail-on', 'none'],
      ['check-patch', patch, '--tree', tree61, '--fail-on', 'none'],
    ];
    for (const args of runs) {
      const r = spawnSync(process.execPath, ['--require', preload, BIN, ...args], { cwd: tmp, encoding: 'utf8', maxBuffer: 256 << 20 });
      expect(r.stderr, args.join(' ')).not.toMatch(/trapped|internal error/);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    expect(fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '').toBe('');
    // The traps are live: the same preload stops a program that does spawn.
    const probe = spawnSync(process.execPath, ['--require', preload, '-e', "require('child_process').spawnSync('true')"], { encoding: 'utf8' });
    expect(probe.stderr).toMatch(/trapped: child_process\.spawnSync/);
  });
});
