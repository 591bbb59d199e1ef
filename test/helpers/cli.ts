/**
 * The command line run in-process, as the tests drive it: arguments in; exit code and both streams out. The
 * streams are never terminals and the environment is empty unless a test gives one, so that no test depends on
 * the shell it runs in.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Working directory (config discovery, relative paths); the process's by default. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export async function runCli(args: string[], opts: CliOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: opts.env ?? {},
    cwd: opts.cwd ?? process.cwd(),
  });
  return { code, stdout, stderr };
}

/** A bad input's outcome: exit 2, nothing on stdout, one stderr line (after `tpdrift: `) that is `want` or matches it. */
export function expectOneErrorLine(r: CliRun, want: string | RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  if (typeof want === 'string') expect(lines[0]).toBe(`tpdrift: ${want}`);
  else expect(lines[0]!.replace(/^tpdrift: /, '')).toMatch(want);
}

/** Writes files below the folder `root()` names (read at each call: tests make it in beforeAll), parents included. */
export function fileWriter(root: () => string): (name: string, text: string | Buffer) => string {
  return (name, text) => {
    const p = path.join(root(), name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    return p;
  };
}
