/**
 * The command line. Thin: parses arguments, loads sources, runs the engine, renders, writes, and maps
 * every outcome to an exit code (0 clean, 1 findings at or above --fail-on, 2 bad usage or input).
 */
import os from 'node:os';
import yargs, { type Argv } from 'yargs';
import { InputError, UsageError } from '../errors.js';
import type { SourceKind } from '../model/snapshot.js';
import { compareSnapshots } from '../diff/compare.js';
import { runDiff } from '../engine/run.js';
import { type Finding, type SeverityOrOff, severityRank, type Severity } from '../engine/finding.js';
import type { EngineConfig } from '../engine/config.js';
import { RULES, findRule } from '../../rules/index.js';
import { loadSource, type LoadedSource } from '../sources/load.js';
import { encodeSnapshot } from '../sources/snapshot-file.js';
import { loadTracefs } from '../sources/tracefs/reader.js';
import { makeReport, type ReportData, type SideInfo } from '../report/model.js';
import { FORMATS, type FormatName, reporterFor } from '../report/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { decideColor } from './color.js';
import { TOOL_VERSION } from '../version.js';
import { ruleDoc } from './rule-docs.js';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: NodeJS.ProcessEnv;
}

const processIo = (): Io => ({
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stdoutIsTTY: Boolean(process.stdout.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  env: process.env,
});

type FailOn = Severity | 'none';
const KINDS: readonly SourceKind[] = ['tree', 'tracefs', 'snapshot', 'btf'];

interface CommonArgs {
  format: FormatName;
  output?: string;
  'fail-on': FailOn;
  rule: string[];
  color?: boolean;
  debug: boolean;
  kind?: SourceKind;
}

function parseRuleFlags(flags: string[]): EngineConfig {
  const config: EngineConfig = { rules: {}, overrides: [] };
  for (const flag of flags) {
    const m = /^([a-z-]+)=(error|warning|info|off)$/.exec(flag);
    if (!m) throw new UsageError(`--rule ${flag}: expected ID=error|warning|info|off`);
    if (!findRule(m[1]!)) throw new UsageError(`--rule ${flag}: no rule '${m[1]}' (see 'tpdrift rules')`);
    config.rules[m[1]!] = { severity: m[2] as SeverityOrOff };
  }
  return config;
}

function exitCodeFor(findings: Finding[], failOn: FailOn): number {
  if (failOn === 'none') return 0;
  const bar = severityRank(failOn);
  return findings.some((f) => !f.suppressed && severityRank(f.severity) >= bar) ? 1 : 0;
}

function sideInfo(s: LoadedSource): SideInfo {
  const info: SideInfo = { label: s.label, kind: s.kind, events: s.snapshot.events.length };
  if (s.snapshot.kernel.release) info.release = s.snapshot.kernel.release;
  if (s.snapshot.kernel.arch) info.arch = s.snapshot.kernel.arch;
  return info;
}

function progress(io: Io, label: string): ((done: number, total: number) => void) | undefined {
  if (!io.stderrIsTTY) return undefined;
  let last = -1;
  return (done, total) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (pct === last) return;
    last = pct;
    io.stderr(`\r${label}: ${done}/${total} files (${pct}%)${done >= total ? '\n' : ''}`);
  };
}

async function load(arg: string, args: CommonArgs, io: Io): Promise<LoadedSource> {
  const onProgress = progress(io, arg);
  return loadSource(arg, { ...(args.kind ? { kind: args.kind } : {}), ...(onProgress ? { onProgress } : {}) });
}

/** Renders and writes a report; returns the exit code its findings call for. */
function emitReport(report: ReportData, args: CommonArgs, io: Io): number {
  const reporter = reporterFor(args.format);
  if (!reporter) throw new UsageError(`--format ${args.format} is not available yet`);
  const toFile = args.output !== undefined && args.output !== '-';
  const color = decideColor(args.color, io.env, toFile ? false : io.stdoutIsTTY);
  const text = reporter(report, { color: toFile ? false : color });
  if (toFile) writeFileAtomic(args.output!, text);
  else io.stdout(text);
  return exitCodeFor(report.findings, args['fail-on']);
}

function withCommonOptions<T>(y: Argv<T>) {
  return y
    .option('format', { alias: 'f', choices: FORMATS, default: 'text' as FormatName, describe: 'output format' })
    .option('output', { alias: 'o', type: 'string', describe: 'write the report to FILE (atomically) instead of stdout' })
    .option('fail-on', { choices: ['error', 'warning', 'info', 'none'] as const, default: 'error' as FailOn, describe: 'exit 1 when a finding is at or above this severity' })
    .option('rule', { type: 'string', array: true, default: [] as string[], describe: 'set a rule severity: ID=error|warning|info|off (repeatable)' })
    .option('kind', { choices: KINDS, describe: 'force the kind of every source argument' })
    .option('color', { type: 'boolean', describe: 'force colour on or off (default: NO_COLOR, FORCE_COLOR, then TTY)' });
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let code = 0;
  const debug = argv.includes('--debug');
  const parser = yargs(argv)
    .scriptName('tpdrift')
    .usage('$0 <command> [options]\n\nKernel tracepoint ABI-drift checker and compatibility linter.')
    .option('debug', { type: 'boolean', default: false, describe: 'show stack traces for internal errors' })
    .command(
      'diff <old> <new>',
      'compare two sources (kernel tree, tracefs capture or archive, snapshot) field by field',
      (y) => withCommonOptions(y.positional('old', { type: 'string', demandOption: true }).positional('new', { type: 'string', demandOption: true })),
      async (args) => {
        const a = args as unknown as CommonArgs & { old: string; new: string };
        const config = parseRuleFlags(a.rule);
        const [oldSide, newSide] = [await load(a.old, a, io), await load(a.new, a, io)];
        const findings = runDiff(compareSnapshots(oldSide.snapshot, newSide.snapshot), { config });
        const problems = [
          ...(oldSide.snapshot.problems ?? []).map((p) => ({ ...p, side: 'old' as const })),
          ...(newSide.snapshot.problems ?? []).map((p) => ({ ...p, side: 'new' as const })),
        ];
        code = emitReport(makeReport({ old: sideInfo(oldSide), new: sideInfo(newSide), findings, problems }), a, io);
      },
    )
    .command(
      'extract <source>',
      'write a snapshot (.json, or .json.gz by extension) of a source',
      (y) =>
        y
          .positional('source', { type: 'string', demandOption: true })
          .option('output', { alias: 'o', type: 'string', describe: 'snapshot file (.json or .json.gz); stdout when absent' })
          .option('kind', { choices: KINDS, describe: 'force the kind of the source' }),
      async (args) => {
        const a = args as unknown as CommonArgs & { source: string };
        const src = await load(a.source, a, io);
        writeSnapshot(src.snapshot, a.output, io);
        reportProblems(src, io);
      },
    )
    .command(
      'snapshot',
      'capture the running kernel from tracefs (mounting tracefs is up to you)',
      (y) =>
        y
          .option('tracefs', { type: 'string', default: '/sys/kernel/tracing', describe: 'tracefs mount point' })
          .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'snapshot file (.json or .json.gz)' }),
      async (args) => {
        const a = args as unknown as { tracefs: string; output: string };
        let snap;
        try {
          snap = await loadTracefs(a.tracefs);
        } catch (e) {
          if (e instanceof InputError && /no such file|no events/.test(e.message)) {
            throw new InputError(a.tracefs, `${e.message}: is tracefs mounted? (mount -t tracefs nodev ${a.tracefs})`);
          }
          throw e;
        }
        // A live capture knows which kernel it is; an archive only knows what its VERSION file says.
        snap.kernel.release ??= os.release();
        snap.kernel.arch ??= os.arch() === 'x64' ? 'x86_64' : os.arch();
        writeSnapshot(snap, a.output, io);
      },
    )
    .command(
      'rules [id]',
      'list the rules with their default severities, or show one rule\'s documentation',
      (y) => y.positional('id', { type: 'string' }),
      (args) => {
        const id = (args as { id?: string }).id;
        if (id) {
          const rule = findRule(id);
          if (!rule) throw new UsageError(`no rule '${id}' (see 'tpdrift rules')`);
          io.stdout(ruleDoc(rule));
          return;
        }
        const width = Math.max(...RULES.map((r) => r.meta.id.length));
        for (const r of RULES) io.stdout(`${r.meta.id.padEnd(width)}  ${r.meta.category.padEnd(8)} ${r.meta.severity.padEnd(7)}  ${r.meta.description}\n`);
      },
    )
    .demandCommand(1, 'name a command')
    .strict()
    .version(TOOL_VERSION)
    .help()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  try {
    await parser.parseAsync();
    return code;
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

function writeSnapshot(snap: import('../model/snapshot.js').Snapshot, output: string | undefined, io: Io): void {
  if (output === undefined || output === '-') {
    io.stdout(encodeSnapshot(snap, 'stdout.json').toString('utf8'));
    return;
  }
  if (!/\.json(\.gz)?$/i.test(output)) throw new UsageError(`-o ${output}: a snapshot file ends in .json or .json.gz`);
  writeFileAtomic(output, encodeSnapshot(snap, output));
}

function reportProblems(src: LoadedSource, io: Io): void {
  const problems = src.snapshot.problems ?? [];
  if (problems.length === 0) return;
  io.stderr(`tpdrift: ${src.label}: ${problems.length} definition(s) could not be read (listed in the snapshot's "problems"):\n`);
  for (const p of problems.slice(0, 20)) io.stderr(`  ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}\n`);
  if (problems.length > 20) io.stderr(`  … ${problems.length - 20} more\n`);
}
