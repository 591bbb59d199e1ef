/** `tpdrift rules`: the rule list, or one rule's documentation page. */
import { UsageError } from '../../errors.js';
import { RULES, findRule } from '../../../rules/index.js';
import type { Io } from '../context.js';
import { ruleDoc } from '../../report/rule-docs.js';

export function run(id: string | undefined, io: Io): number {
  if (id) {
    const rule = findRule(id);
    if (!rule) throw new UsageError(`no rule '${id}' (see 'tpdrift rules')`);
    io.stdout(ruleDoc(rule));
    return 0;
  }
  const width = Math.max(...RULES.map((r) => r.meta.id.length));
  for (const r of RULES) {
    io.stdout(`${r.meta.id.padEnd(width)}  ${r.meta.category.padEnd(8)} ${r.meta.severity.padEnd(7)}  ${r.meta.description}\n`);
  }
  return 0;
}
