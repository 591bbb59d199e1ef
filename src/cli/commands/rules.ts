import type { CommandModule } from 'yargs';
import type { CommandResult, Io } from '../context.js';

export function rulesCommand(io: Io, result: CommandResult): CommandModule {
  return {
    command: 'rules [id]',
    describe: "list the rules with their default severities, or show one rule's documentation",
    builder: (y) => y.positional('id', { type: 'string', describe: 'a rule id' }),
    handler: async (argv) => {
      const { run } = await import('../run/rules.js');
      result.code = run((argv as { id?: string }).id, io);
    },
  };
}
