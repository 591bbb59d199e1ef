/**
 * The configuration file (`--config FILE`, or `tpdrift.config.json` in the working directory) into the
 * engine's configuration, and `--rule` flags on top of it.
 *
 * {"rules": {"<id>": "error"|"warning"|"info"|"off" | {"severity": …, "options": {…}}},
 *  "overrides": [{"events": ["sched:*"], "rules": {…}}],
 *  "abiPolicy": {"tracepointOnly": ["sched", "block:*"]}}
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EngineConfig, RuleSetting } from '../engine/config.js';
import type { SeverityOrOff } from '../engine/finding.js';
import { readJsonFile, validateWithSchema } from './validate.js';

export const CONFIG_FILE_NAME = 'tpdrift.config.json';

type RuleValue = SeverityOrOff | { severity?: SeverityOrOff; options?: Record<string, unknown> };

export interface ConfigFile {
  $schema?: string;
  rules?: Record<string, RuleValue>;
  overrides?: { events: string[]; rules: Record<string, RuleValue> }[];
  abiPolicy?: { tracepointOnly?: string[] };
  /** Consumer programs or folders, relative to the config file (read by src/cli/consumer-args.ts). */
  consumers?: string[];
}

function setting(v: RuleValue): RuleSetting {
  if (typeof v === 'string') return { severity: v };
  const s: RuleSetting = {};
  if (v.severity !== undefined) s.severity = v.severity;
  if (v.options !== undefined) s.options = { ...v.options };
  return s;
}

export function configFromFile(c: ConfigFile): EngineConfig {
  const config: EngineConfig = { rules: {}, overrides: [] };
  for (const [id, v] of Object.entries(c.rules ?? {})) config.rules[id] = setting(v);
  for (const o of c.overrides ?? []) {
    config.overrides.push({ events: [...o.events], rules: Object.fromEntries(Object.entries(o.rules).map(([id, v]) => [id, setting(v)])) });
  }
  if (c.abiPolicy) {
    config.abiPolicy = { ...c.abiPolicy };
    // The abi-policy rule reads its systems from its options: the top-level key is the friendly spelling.
    if (c.abiPolicy.tracepointOnly) {
      const r = (config.rules['abi-policy'] ??= {});
      r.options = { ...(r.options ?? {}), tracepointOnly: [...c.abiPolicy.tracepointOnly] };
    }
  }
  return config;
}

/** Reads and validates a config file; a bad one is an InputError naming the file and the key (exit 2). */
export function readConfigFile(file: string): EngineConfig {
  const data = readJsonFile(file);
  validateWithSchema('config', data, file);
  return configFromFile(data as ConfigFile);
}

/** `--config FILE` when given, else `tpdrift.config.json` in `cwd` when it exists, else nothing. */
export function findConfigFile(explicit: string | undefined, cwd: string): string | undefined {
  if (explicit !== undefined) return path.resolve(cwd, explicit);
  const p = path.join(cwd, CONFIG_FILE_NAME);
  return fs.existsSync(p) ? p : undefined;
}

/** Flags win over the file: a `--rule` severity replaces the file's, the file's options stay. */
export function mergeConfigs(base: EngineConfig, flags: EngineConfig): EngineConfig {
  const out: EngineConfig = { ...base, rules: { ...base.rules }, overrides: [...base.overrides] };
  for (const [id, s] of Object.entries(flags.rules)) out.rules[id] = { ...(out.rules[id] ?? {}), ...s };
  // --rule is a global statement: it must also beat the file's per-event overrides.
  out.overrides = out.overrides.map((o) => {
    const rules = { ...o.rules };
    for (const id of Object.keys(flags.rules)) if (rules[id]?.severity !== undefined) rules[id] = { ...rules[id], severity: flags.rules[id]!.severity! };
    return { ...o, rules };
  });
  return out;
}
