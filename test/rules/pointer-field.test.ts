import rule from '../../rules/pointer-field.js';
import { edit, real } from './tester.js';
import { auditTester } from './audit-tester.js';

auditTester(rule, {
  valid: [
    { name: 'no pointers (sched_switch)', events: [real('sched:sched_switch')], kind: 'tracefs' },
    { name: 'syscall arguments are user addresses, and generated', events: [real('syscalls:sys_enter_openat')], kind: 'tracefs' },
  ],
  invalid: [
    {
      name: 'kmalloc stores the allocated address, printed hashed with %p (info)',
      events: [real('kmem:kmalloc')],
      kind: 'tracefs',
      findings: [{ severity: 'info', field: 'ptr', message: "field 'ptr' stores a raw kernel address (const void *); readers of the raw buffer see it unhashed" }],
    },
    {
      name: 'fs_dax prints radix_entry with %lx: unhashed (real 6.18 format, warning)',
      events: [real('fs_dax:dax_pmd_load_hole')],
      kind: 'tracefs',
      findings: [
        { severity: 'warning', field: 'radix_entry', message: "TP_printk prints 'radix_entry' with %lx: the address is not hashed" },
        { severity: 'info', field: 'zero_folio' },
      ],
    },
    {
      name: '%px of any field',
      events: [edit(real('kmem:kmalloc'), (e) => (e.print!.fmt = e.print!.fmt.replace('ptr=%p ', 'ptr=%px ')))],
      kind: 'tracefs',
      findings: [{ severity: 'warning', field: 'ptr', message: "TP_printk prints 'ptr' with %px: the address is not hashed" }],
    },
  ],
});
