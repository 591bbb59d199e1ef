/**
 * The options the commands share, as yargs specifications. Only specifications: this module is loaded on
 * every run, so what the options mean (the config file, the rules) is resolved by report-config.ts, which
 * a command's implementation loads.
 */
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import type { SourceKind } from '../model/snapshot.js';
import { ARGUMENT_KINDS } from '../sources/registry.js';
import type { Severity } from '../engine/finding.js';
import { FORMATS, type FormatName } from '../report/formats.js';
import { TREE_ARCHES, type TreeArch } from '../sources/tree/arch.js';

export type FailOn = Severity | 'none';
export const KINDS: readonly SourceKind[] = ARGUMENT_KINDS;

export interface ReportArgs {
  format: FormatName;
  output?: string;
  'fail-on': FailOn;
  rule: string[];
  color?: boolean;
  kind?: SourceKind;
  /** A config file; without it, `tpdrift.config.json` in the working directory is used when present. */
  config?: string;
  baseline?: string;
  'write-baseline'?: string;
  suppressions?: string;
  'max-warnings'?: number;
  /** --events: event patterns (`sched:*`, `block`, globs) the run is about. */
  events?: string[];
  /** --path: source path globs matched against findings' locations. */
  path?: string[];
  /** --show: list findings at or above this severity; the rest are counted. */
  show?: Severity;
  /** --summary: the summary view alone. */
  summary?: boolean;
  /** Consumer programs and manifests (files or folders) whose uses the consumer rules check. */
  consumers?: string[];
  /** --arch: the architecture tree arguments are predicted for. */
  arch?: TreeArch;
  /** --kconfig: a kernel .config deciding tree arguments' CONFIG_ conditions. */
  kconfig?: string;
}

/** `--arch` and `--kconfig`: how tree arguments are predicted (other kinds say what they were built for). */
export function withTreeOptions<T>(y: Argv<T>) {
  return y
    .option('arch', { choices: TREE_ARCHES, describe: 'architecture to predict tree formats for (default x86_64): long/pointer size, alignment, syscall table' })
    .option('kconfig', { type: 'string', describe: "a kernel .config (a linux-image package's boot/config-*) deciding a tree's CONFIG_ conditions: which events that build has" });
}

/** `--consumers <paths...>`: diff, check-patch and history check these tools' uses against the change. */
export function withConsumersOption<T>(y: Argv<T>) {
  return y.option('consumers', {
    type: 'string',
    array: true,
    describe: 'consumer programs or folders (bpftrace .bt, bcc tools, libbpf-tools, manifests): report which of them the change breaks (default: the config file\'s "consumers")',
  });
}

/** The options every findings report takes. */
export function withReportOptions<T>(y: Argv<T>) {
  return y
    .option('format', { alias: 'f', choices: FORMATS, default: 'text' as FormatName, describe: 'output format' })
    .option('output', { alias: 'o', type: 'string', describe: 'write the report to FILE (atomically) instead of stdout' })
    .option('fail-on', {
      choices: ['error', 'warning', 'info', 'none'] as const,
      default: 'error' as FailOn,
      describe: 'exit 1 when a finding is at or above this severity',
    })
    .option('rule', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'set a rule severity: ID=error|warning|info|off (repeatable)',
    })
    .option('kind', { choices: KINDS, describe: 'force the kind of every source argument' })
    .option('arch', { choices: TREE_ARCHES, describe: 'architecture to predict tree formats for (default x86_64): long/pointer size, alignment, syscall table' })
    .option('kconfig', { type: 'string', describe: "a kernel .config (a linux-image package's boot/config-*) deciding a tree's CONFIG_ conditions: which events that build has" })
    .option('color', { type: 'boolean', describe: 'force colour on or off (default: NO_COLOR, FORCE_COLOR, then TTY)' })
    .option('config', { type: 'string', describe: 'configuration file (default: tpdrift.config.json in the working directory, when present)' })
    .option('baseline', { type: 'string', describe: 'accepted findings (from --write-baseline): hidden from text/markdown/github, marked suppressed in json/sarif/html' })
    .option('write-baseline', { type: 'string', describe: "record this run's findings as a baseline FILE" })
    .option('suppressions', { type: 'string', describe: 'reviewed accepted changes: JSON {"suppressions": [{rule, event, field?, reason}]}' })
    .option('max-warnings', { type: 'number', describe: 'exit 1 when more than N unsuppressed warnings remain' })
    .option('events', { alias: 'e', type: 'string', array: true, describe: "only these events: patterns like 'sched:*', '*:sched_switch', or a system name (block)" })
    .option('path', { type: 'string', array: true, describe: "only findings located under these source paths (globs: 'fs/xfs/**', include/trace/events/sched.h)" })
    .option('show', {
      choices: ['error', 'warning', 'info'] as const,
      describe: 'list findings at or above this severity; the rest are still counted and still count for --fail-on (SARIF default: warning)',
    })
    .option('summary', { type: 'boolean', describe: 'print the summary view only (counts by system × severity and by rule; text and markdown)' })
    .check((argv) => {
      const mw = (argv as unknown as ReportArgs)['max-warnings'];
      if (mw !== undefined && (!Number.isInteger(mw) || mw < 0)) throw new UsageError('--max-warnings: expected a whole number ≥ 0');
      return true;
    });
}
