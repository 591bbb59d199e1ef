import rule from '../../rules/layout-holes.js';
import { edit, real } from './tester.js';
import { auditTester } from './audit-tester.js';

const bio = real('block:block_bio_complete'); // dev(4) sector(8) nr_sector(4) error(4) rwbs[10]

auditTester(rule, {
  valid: [
    { name: 'a dense record (sched_switch)', events: [real('sched:sched_switch')], kind: 'tracefs' },
    { name: 'sizes unknown: nothing to say', events: [edit(bio, (e) => e.fields.forEach((f) => delete f.size))] },
    {
      name: 'padding that a reorder cannot turn into a smaller record (irq_handler_entry)',
      events: [real('irq:irq_handler_entry')],
      kind: 'tracefs',
    },
  ],
  invalid: [
    {
      name: 'block_bio_complete: dev before sector costs 8 bytes per record (real 6.18 layout)',
      events: [bio],
      kind: 'tracefs',
      findings: [{ severity: 'info', event: 'block:block_bio_complete', old: 40, new: 32, message: 'padding makes every record 8 bytes larger than needed (40 → 32 bytes of payload ordered sector, dev, nr_sector, error, rwbs)' }],
    },
  ],
});
