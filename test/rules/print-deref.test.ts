import rule from '../../rules/print-deref.js';
import { edit, real } from './tester.js';
import { auditTester } from './audit-tester.js';

auditTester(rule, {
  valid: [
    { name: '%s of a char array and of __get_str()', events: [real('sched:sched_switch'), real('sched:sched_process_free')], kind: 'tracefs' },
    { name: 'a ternary yielding string literals', events: [real('kmem:kmalloc')], kind: 'tracefs' },
  ],
  invalid: [
    {
      name: 'rcu_utilization prints a const char * with %s (real 6.18 format)',
      events: [real('rcu:rcu_utilization')],
      kind: 'tracefs',
      findings: [{ severity: 'warning', field: 's', message: "TP_printk prints 's' (const char *) with %s: it is not a string stored in the record" }],
    },
    {
      name: 'a pointer field dereferenced in TP_printk',
      events: [edit(real('kmem:kmalloc'), (e) => (e.print!.args[1] = '((struct page *)REC->ptr)->flags'))],
      kind: 'tracefs',
      findings: [{ field: 'ptr', message: "TP_printk dereferences 'ptr' (((struct page *)REC->ptr)->flags) when the trace is read, not when it was recorded" }],
    },
  ],
});
