/** Options shared by the commands that produce a findings report, and their parsing into engine config. */
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import type { SourceKind } from '../model/snapshot.js';
import type { EngineConfig } from '../engine/config.js';
import type { Severity, SeverityOrOff } from '../engine/finding.js';
import { findRule } from '../../rules/index.js';
import { FORMATS, type FormatName } from '../report/index.js';
import { findConfigFile, mergeConfigs, readConfigFile } from '../config/load.js';
import type { Io } from './context.js';

export type FailOn = Severity | 'none';
export const KINDS: readonly SourceKind[] = ['tree', 'tracefs', 'snapshot', 'btf'];

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
}

/** Configurations resolved by withReportOptions' middleware, keyed by the very `rule` array it leaves in argv. */
const resolvedConfigs = new WeakMap<string[], EngineConfig>();

/** The engine configuration for a report command: the config file (given or discovered), then --rule flags. */
export function reportConfig(args: Pick<ReportArgs, 'rule' | 'config'>, io: Pick<Io, 'cwd'>): EngineConfig {
  const flags = parseRuleFlagsOnly(args.rule ?? []);
  const file = findConfigFile(args.config, io.cwd);
  return file ? mergeConfigs(readConfigFile(file), flags) : flags;
}

/**
 * The options every findings report takes. `io` (optional) gives the working directory where
 * `tpdrift.config.json` is looked for; without it, the process's.
 */
export function withReportOptions<T>(y: Argv<T>, io?: Pick<Io, 'cwd'>) {
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
    .option('color', { type: 'boolean', describe: 'force colour on or off (default: NO_COLOR, FORCE_COLOR, then TTY)' })
    .option('config', { type: 'string', describe: 'configuration file (default: tpdrift.config.json in the working directory, when present)' })
    .option('baseline', { type: 'string', describe: 'accepted findings (from --write-baseline): hidden from text/markdown/github, marked suppressed in json/sarif/html' })
    .option('write-baseline', { type: 'string', describe: "record this run's findings as a baseline FILE" })
    .option('suppressions', { type: 'string', describe: 'reviewed accepted changes: JSON {"suppressions": [{rule, event, field?, reason}]}' })
    .option('max-warnings', { type: 'number', describe: 'exit 1 when more than N unsuppressed warnings remain' })
    .middleware((argv) => {
      // Every report command gets the config file for free: parseRuleFlags(argv.rule) returns this.
      const a = argv as unknown as ReportArgs;
      const mw = a['max-warnings'];
      if (mw !== undefined && (!Number.isInteger(mw) || mw < 0)) throw new UsageError('--max-warnings: expected a whole number ≥ 0');
      const flags = [...(a.rule ?? [])];
      resolvedConfigs.set(flags, reportConfig({ rule: flags, ...(a.config !== undefined ? { config: a.config } : {}) }, io ?? { cwd: process.cwd() }));
      (argv as unknown as { rule: string[] }).rule = flags;
    });
}

/**
 * The engine configuration for a command's `--rule` flags. Given the `rule` array of a report command's
 * argv, this is the configuration the option middleware resolved (config file, then flags); given any
 * other list, the flags alone.
 */
export function parseRuleFlags(flags: string[]): EngineConfig {
  return resolvedConfigs.get(flags) ?? parseRuleFlagsOnly(flags);
}

/** `--rule ID=SEVERITY` flags as engine configuration; an unknown rule or severity is a usage error. */
export function parseRuleFlagsOnly(flags: string[]): EngineConfig {
  const config: EngineConfig = { rules: {}, overrides: [] };
  for (const flag of flags) {
    const m = /^([a-z-]+)=(error|warning|info|off)$/.exec(flag);
    if (!m) throw new UsageError(`--rule ${flag}: expected ID=error|warning|info|off`);
    if (!findRule(m[1]!)) throw new UsageError(`--rule ${flag}: no rule '${m[1]}' (see 'tpdrift rules')`);
    config.rules[m[1]!] = { severity: m[2] as SeverityOrOff };
  }
  return config;
}
