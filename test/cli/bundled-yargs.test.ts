/**
 * The built CLI parses its command line with the bundle of yargs that the build makes (dist/vendor/yargs.js,
 * scripts/bundle-yargs.mjs); run from the TypeScript sources, as here, main() loads the package. Both must
 * answer alike: help, usage errors, and yargs' translated messages, which the bundle finds beside it.
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

describe('the bundled yargs', () => {
  it('is built, with its translations beside it', () => {
    expect(fs.statSync(path.join(ROOT, 'dist/vendor/yargs.js')).size).toBeGreaterThan(100_000);
    expect(fs.existsSync(path.join(ROOT, 'dist/vendor/yargs-locales/de.json'))).toBe(true);
    expect(fs.readFileSync(path.join(ROOT, 'dist/vendor/yargs.LICENSES.txt'), 'utf8')).toMatch(/^yargs@18\.\d+\.\d+$/m);
  });

  const cases: Array<[string[], string]> = [
    [['--help'], 'C'],
    [['diff', '--help'], 'C'],
    [['diff'], 'C'],
    [['lint', 'x', '--no-such-option'], 'C'],
    [['frobnicate'], 'C'],
    [['diff'], 'de_DE.UTF-8'],
    [['--help'], 'de_DE.UTF-8'],
  ];
  it.each(cases)('tpdrift %j (LANG=%s) answers as the package does', async (args, lang) => {
    const bundled = fromBundle(args, lang);
    const unbundled = await fromPackage(args, lang);
    expect(bundled).toEqual(unbundled);
    if (lang.startsWith('de') && args[0] === 'diff') expect(bundled.stderr).toContain('Nicht genügend Argumente');
  });
});
