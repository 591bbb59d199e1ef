import fs from 'node:fs';
import type { CommandModule } from 'yargs';
import { InputError, UsageError } from '../../errors.js';
import { makeReport } from '../../report/model.js';
import type { FilePatch } from '../../patch/read.js';
import { detectKind } from '../../sources/load.js';
import type { CommandResult, Io } from '../context.js';
import { type ReportArgs, parseRuleFlags, withReportOptions } from '../options.js';
import { emitReport, progress } from '../output.js';

function readPatchArg(arg: string): string {
  try {
    return fs.readFileSync(arg === '-' ? 0 : arg, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(arg === '-' ? '(stdin)' : arg, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a patch' : (e as Error).message);
  }
}

export function checkPatchCommand(io: Io, result: CommandResult): CommandModule {
  return {
    command: 'check-patch <patch..>',
    describe: 'pre-merge check: apply patches (unified diff, git format-patch mails, - for stdin) in memory to --tree, compare before/after, audit what they add',
    builder: (y) =>
      withReportOptions(
        y
          .positional('patch', { type: 'string', array: true, demandOption: true, describe: 'patch files in order, or - for stdin' })
          .option('tree', { type: 'string', demandOption: true, describe: 'the kernel source tree the patches apply to' }),
      ),
    handler: async (argv) => {
      const a = argv as unknown as ReportArgs & { patch: string[]; tree: string };
      const config = parseRuleFlags(a.rule);
      if (a.kind && a.kind !== 'tree') throw new UsageError('check-patch works on a kernel source tree (--kind tree)');
      if (detectKind(a.tree) !== 'tree') throw new InputError(a.tree, 'not a kernel source tree (check-patch needs one: --tree DIR)');
      // Loaded on demand: the patch reader and the tree extractor (tree-sitter, a native module) are the
      // heaviest modules, and every other command would pay for them at start-up.
      const [{ readPatchText }, { checkPatch }] = await Promise.all([import('../../patch/read.js'), import('../../patch/check.js')]);
      const patches: FilePatch[] = a.patch.flatMap((p) => readPatchText(readPatchArg(p), p === '-' ? '(stdin)' : p));
      const onProgress = progress(io, a.tree);
      const check = await checkPatch(a.tree, patches, { config, ...(onProgress ? { onProgress } : {}) });
      if (check.touchesNoDefinition) {
        io.stderr(`tpdrift: the patch touches no trace event definition (${check.touched.length} file(s) changed)\n`);
      }
      const label = `${a.tree} + ${a.patch.join(' ')}`;
      const problems = (check.after.problems ?? [])
        .filter((p) => check.touched.includes(p.file))
        .map((p) => ({ ...p, side: 'new' as const }));
      result.code = emitReport(
        makeReport({ new: { label, kind: 'tree', events: check.after.events.length }, findings: check.findings, problems }),
        a,
        io,
      );
    },
  };
}
