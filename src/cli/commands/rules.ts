import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { RULES, findRule } from '../../../rules/index.js';
import type { CommandResult, Io } from '../context.js';
import { ruleDoc } from '../rule-docs.js';

export function rulesCommand(io: Io, result: CommandResult): CommandModule {
  return {
    command: 'rules [id]',
    describe: "list the rules with their default severities, or show one rule's documentation",
    builder: (y) => y.positional('id', { type: 'string', describe: 'a rule id' }),
    handler: (argv) => {
      const id = (argv as { id?: string }).id;
      result.code = 0;
      if (id) {
        const rule = findRule(id);
        if (!rule) throw new UsageError(`no rule '${id}' (see 'tpdrift rules')`);
        io.stdout(ruleDoc(rule));
        return;
      }
      const width = Math.max(...RULES.map((r) => r.meta.id.length));
      for (const r of RULES) {
        io.stdout(`${r.meta.id.padEnd(width)}  ${r.meta.category.padEnd(8)} ${r.meta.severity.padEnd(7)}  ${r.meta.description}\n`);
      }
    },
  };
}
