/** What a report command's `--config` and `--rule` options mean: the engine configuration they make. */
import { UsageError } from '../errors.js';
import type { EngineConfig } from '../engine/config.js';
import type { SeverityOrOff } from '../engine/finding.js';
import { findRule } from '../../rules/index.js';
import { findConfigFile, mergeConfigs, readConfigFile } from '../config/load.js';
import type { Io } from './context.js';
import type { ReportArgs } from './options.js';

/** The engine configuration for a report command: the config file (given or discovered), then --rule flags. */
export function reportConfig(args: Pick<ReportArgs, 'rule' | 'config'>, io: Pick<Io, 'cwd'>): EngineConfig {
  const flags = parseRuleFlags(args.rule ?? []);
  const file = findConfigFile(args.config, io.cwd);
  return file ? mergeConfigs(readConfigFile(file), flags) : flags;
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
