/**
 * bin/tpdrift.js runs the command line as bundled by the build (dist/cli/, scripts/bundle-cli.mjs, yargs
 * included); here main() runs from the TypeScript sources with the packages. Both must answer alike: help,
 * usage errors, yargs' translated messages (which the bundle finds beside it), the files read relative to a
 * module (rule pages, the config schema), and a tree read with worker threads started from the bundle.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

const ROOT = path.join(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/tpdrift.js');
const LOCALE_VARS = ['LC_ALL', 'LC_MESSAGES', 'LANG', 'LANGUAGE'] as const;

function fromBundle(args: string[], lang: string) {
  const env = { ...process.env, LANG: lang };
  for (const v of LOCALE_VARS) if (v !== 'LANG') delete env[v];
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const savedLocale = Object.fromEntries(LOCALE_VARS.map((v) => [v, process.env[v]]));
afterEach(() => {
  for (const v of LOCALE_VARS) {
    if (savedLocale[v] === undefined) delete process.env[v];
    else process.env[v] = savedLocale[v];
  }
});

async function fromPackage(args: string[], lang: string) {
  // yargs reads the locale from the process environment, and wraps help at the terminal's width: a pipe's, as
  // for the spawned CLI.
  for (const v of LOCALE_VARS) delete process.env[v];
  process.env.LANG = lang;
  const stdoutColumns = Object.getOwnPropertyDescriptor(process.stdout, 'columns');
  Object.defineProperty(process.stdout, 'columns', { value: undefined, configurable: true });
  let stdout = '';
  let stderr = '';
  try {
    const code = await main(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: ROOT });
    return { code, stdout, stderr };
  } finally {
    if (stdoutColumns) Object.defineProperty(process.stdout, 'columns', stdoutColumns);
    else delete (process.stdout as { columns?: number }).columns;
  }
}

describe('the bundled command line', () => {
  it('is built, with yargs\' translations and the bundled licences beside it', () => {
    expect(fs.readFileSync(BIN, 'utf8')).toContain("import('../dist/cli/main.js')");
    expect(fs.readFileSync(path.join(ROOT, 'dist/cli/main.js'), 'utf8')).toContain('node_modules/yargs/');
    expect(fs.existsSync(path.join(ROOT, 'dist/cli/yargs-locales/de.json'))).toBe(true);
    expect(fs.readFileSync(path.join(ROOT, 'dist/cli/LICENSES.txt'), 'utf8')).toMatch(/^yargs@18\.\d+\.\d+$/m);
  });

  const cases: Array<[string[], string]> = [
    [['--help'], 'C'],
    [['diff', '--help'], 'C'],
    [['diff'], 'C'],
    [['lint', 'x', '--no-such-option'], 'C'],
    [['frobnicate'], 'C'],
    [['diff'], 'de_DE.UTF-8'],
    [['--help'], 'de_DE.UTF-8'],
    // A rule's page, found relative to the module that reads it.
    [['rules', 'field-removed'], 'C'],
    // The config schema, likewise: a config that breaks it.
    [['lint', path.join(ROOT, 'snapshots/linux-6.18.44-x86_64.tracefs.json'), '--config', path.join(ROOT, 'package.json')], 'C'],
    // A small real tree, read by the extraction worker and its file-pass worker, both started from the bundle.
    [['lint', path.join(ROOT, 'test/fixtures/tree-real/linux-6.12'), '--kind', 'tree', '-f', 'json'], 'C'],
  ];
  it.each(cases)('tpdrift %j (LANG=%s) answers as the package does', async (args, lang) => {
    const bundled = fromBundle(args, lang);
    const unbundled = await fromPackage(args, lang);
    expect(bundled).toEqual(unbundled);
    if (lang.startsWith('de') && args[0] === 'diff') expect(bundled.stderr).toContain('Nicht genügend Argumente');
  });
});
