/**
 * An input the user gave that tpdrift cannot read. The CLI prints it as one line,
 * `tpdrift: FILE[:LINE]: MESSAGE`, and exits 2; it is never shown as a stack trace.
 */
export class InputError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'InputError';
  }

  /** The one line the CLI prints. */
  describe(): string {
    return `${this.file}${this.line !== undefined ? `:${this.line}` : ''}: ${this.message}`;
  }
}

/** A command line that does not make sense (exit 2, like InputError, but names no file). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
