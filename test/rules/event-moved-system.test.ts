import rule from '../../rules/event-moved-system.js';
import { edit, real, ruleTester } from './tester.js';

const entry = real('irq:irq_handler_entry');

ruleTester(rule, {
  valid: [
    { name: 'same system', old: [entry], new: [entry] },
    {
      name: 'two systems gain an event of that name: ambiguous, no guess',
      old: [entry],
      new: [edit(entry, (e) => (e.system = 'a')), edit(entry, (e) => (e.system = 'b'))],
    },
  ],
  invalid: [
    {
      name: 'the same event under another system',
      old: [entry],
      new: [edit(entry, (e) => (e.system = 'hardirq'))],
      findings: [{ event: 'irq:irq_handler_entry', old: 'irq', new: 'hardirq' }],
    },
  ],
});
