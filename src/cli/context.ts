/** What every command shares: the process's streams and environment, behind an interface tests can fake. */
export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** Working directory (config discovery, relative paths). */
  cwd: string;
}

export const processIo = (): Io => ({
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stdoutIsTTY: Boolean(process.stdout.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  env: process.env,
  cwd: process.cwd(),
});

/** A command sets the exit code through this (0 clean, 1 findings at or above --fail-on). */
export interface CommandResult {
  code: number;
}
