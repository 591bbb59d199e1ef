/** Options shared by the commands that produce a findings report, and their parsing into engine config. */
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import type { SourceKind } from '../model/snapshot.js';
import type { EngineConfig } from '../engine/config.js';
import type { Severity, SeverityOrOff } from '../engine/finding.js';
import { findRule } from '../../rules/index.js';
import { FORMATS, type FormatName } from '../report/index.js';

export type FailOn = Severity | 'none';
export const KINDS: readonly SourceKind[] = ['tree', 'tracefs', 'snapshot', 'btf'];

export interface ReportArgs {
  format: FormatName;
  output?: string;
  'fail-on': FailOn;
  rule: string[];
  color?: boolean;
  kind?: SourceKind;
}

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
    .option('color', { type: 'boolean', describe: 'force colour on or off (default: NO_COLOR, FORCE_COLOR, then TTY)' });
}

/** `--rule ID=SEVERITY` flags as engine configuration; an unknown rule or severity is a usage error. */
export function parseRuleFlags(flags: string[]): EngineConfig {
  const config: EngineConfig = { rules: {}, overrides: [] };
  for (const flag of flags) {
    const m = /^([a-z-]+)=(error|warning|info|off)$/.exec(flag);
    if (!m) throw new UsageError(`--rule ${flag}: expected ID=error|warning|info|off`);
    if (!findRule(m[1]!)) throw new UsageError(`--rule ${flag}: no rule '${m[1]}' (see 'tpdrift rules')`);
    config.rules[m[1]!] = { severity: m[2] as SeverityOrOff };
  }
  return config;
}
