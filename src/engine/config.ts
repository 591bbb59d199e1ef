/** The rule configuration the engine applies (from --rule flags and config files, merged by the CLI). */
import type { SeverityOrOff } from './finding.js';

export interface RuleSetting {
  severity?: SeverityOrOff;
  options?: Record<string, unknown>;
}

export interface Override {
  /** Event patterns: `sched:*`, `*:sched_switch`, `block:block_rq_issue`. */
  events: string[];
  rules: Record<string, RuleSetting>;
}

export interface EngineConfig {
  rules: Record<string, RuleSetting>;
  overrides: Override[];
  /** From a config file's `abiPolicy` (also passed to the abi-policy rule as its options). */
  abiPolicy?: { tracepointOnly?: string[] };
}

export const EMPTY_CONFIG: EngineConfig = { rules: {}, overrides: [] };

export function eventPatternMatches(pattern: string, event: string): boolean {
  const re = new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return re.test(event);
}
