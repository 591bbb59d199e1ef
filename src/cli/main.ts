/**
 * The command line. Thin: each command is a module under commands/; this file wires them and maps
 * every outcome to an exit code (0 clean, 1 findings at or above --fail-on, 2 bad usage or input).
 */
import yargs from 'yargs';
import { InputError, UsageError } from '../errors.js';
import { TOOL_VERSION } from '../version.js';
import { protectStdinDash } from './stdin-arg.js';
import { closest } from '../util/did-you-mean.js';
import { type CommandResult, type Io, processIo } from './context.js';
import { diffCommand } from './commands/diff.js';
import { extractCommand } from './commands/extract.js';
import { snapshotCommand } from './commands/snapshot.js';
import { rulesCommand } from './commands/rules.js';
import { lintCommand } from './commands/lint.js';
import { checkPatchCommand } from './commands/check-patch.js';
import { historyCommand } from './commands/history.js';
import { fingerprintCommand } from './commands/fingerprint.js';
import { consumersCommand } from './commands/consumers.js';

export type { Io } from './context.js';

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  argv = protectStdinDash(argv);
  const result: CommandResult = { code: 0 };
  const debug = argv.includes('--debug');
  const parser = yargs(argv)
    .scriptName('tpdrift')
    .usage('$0 <command> [options]\n\nKernel tracepoint ABI-drift checker and compatibility linter.')
    .option('debug', { type: 'boolean', default: false, describe: 'show stack traces for internal errors' })
    .command(diffCommand(io, result))
    .command(extractCommand(io, result))
    .command(snapshotCommand(io, result))
    .command(lintCommand(io, result))
    .command(checkPatchCommand(io, result))
    .command(rulesCommand(io, result))
    .command(historyCommand(io, result))
    .command(fingerprintCommand(io, result))
    .command(consumersCommand(io, result))
    .demandCommand(1, 'name a command')
    .strict()
    .version(TOOL_VERSION)
    .help()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(unknownOptionMessage(msg, parser) ?? msg);
    });
  skipHelpCache(parser);
  try {
    // yargs prints --help and --version itself through console.log; route them through io.
    const out = await parser.parseAsync(argv, {}, (err, _parsed, output) => {
      if (!err && output) io.stdout(output + '\n');
    });
    void out;
    return result.code;
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(`tpdrift: ${e.describe()}\n`);
      return 2;
    }
    if (e instanceof UsageError || (e as Error).name === 'YError') {
      io.stderr(`tpdrift: ${(e as Error).message}\nRun 'tpdrift --help' for usage.\n`);
      return 2;
    }
    io.stderr(debug ? `${(e as Error).stack}\n` : `tpdrift: internal error: ${(e as Error).message} (run with --debug for details)\n`);
    return 2;
  }
}

/**
 * yargs says "Unknown arguments: fial-on, fialOn" (the option and its camel-case twin): one name, with the
 * nearest known option when there is one.
 */
function unknownOptionMessage(msg: string, parser: object): string | undefined {
  const m = /^Unknown arguments?: (.*)$/.exec(msg);
  if (!m) return undefined;
  const names = m[1]!.split(', ').filter((n, _i, all) => !(/[A-Z]/.test(n) && all.includes(n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))));
  const known = knownOptions(parser);
  const parts = names.map((n) => {
    const flag = n.length === 1 ? `-${n}` : `--${n}`;
    const near = n.length > 1 ? closest(n, known) : undefined;
    return near ? `${flag} (did you mean --${near}?)` : flag;
  });
  return `unknown option${parts.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

function knownOptions(parser: object): string[] {
  const opts = (parser as { getOptions?: () => { key?: Record<string, unknown> } }).getOptions?.();
  return Object.keys(opts?.key ?? {}).filter((k) => k.length > 1 && !/[A-Z]/.test(k));
}

interface YargsInternals {
  getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } | undefined } | undefined;
}

/**
 * yargs renders the whole help text after every command ran (usage.cacheHelpMessage), to show it should the
 * command fail later. Our failures print one line and never the help, and the rendering (cliui, string-width)
 * cost 20–40 ms of every run, a tenth of a snapshot diff. `--help` itself renders as before. Internal API: if a
 * yargs version lacks it, nothing changes.
 */
function skipHelpCache(parser: object): void {
  const usage = (parser as YargsInternals).getInternalMethods?.()?.getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}
