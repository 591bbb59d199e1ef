/**
 * yargs drops a lone `-` from array positionals (it re-parses them as `--patch -`, and its parser reads
 * that `-` as no value), so `cat x.patch | tpdrift check-patch - --tree T` checked nothing. A `-` that is a
 * positional (not the value of an option such as `-o -`) is handed to yargs as STDIN_ARG instead.
 */
export const STDIN_ARG = 'tpdrift:stdin:-';
const BOOLEAN_FLAGS = new Set(['--debug', '--color', '--no-color', '--summary', '--help', '--version']);

export function protectStdinDash(argv: readonly string[]): string[] {
  return argv.map((a, i) => {
    if (a !== '-' || i === 0) return a;
    const prev = argv[i - 1]!;
    const prevTakesValue = prev.startsWith('-') && !prev.includes('=') && !BOOLEAN_FLAGS.has(prev);
    return prevTakesValue ? a : STDIN_ARG;
  });
}
