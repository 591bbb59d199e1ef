/**
 * The command line run in-process, as the tests drive it: arguments in; exit code and both streams out. The
 * streams are never terminals and the environment is empty unless a test gives one, so that no test depends on
 * the shell it runs in.
 */
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
