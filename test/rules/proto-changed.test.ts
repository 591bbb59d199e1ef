import rule from '../../rules/proto-changed.js';
import { edit, real, ruleTester } from './tester.js';

const base = edit(real('sched:sched_switch'), (e) => {
  e.class = undefined;
  delete e.class;
  e.proto = [
    { type: 'bool', name: 'preempt' },
    { type: 'struct task_struct *', name: 'prev' },
    { type: 'struct task_struct *', name: 'next' },
  ];
});
// 6.1 added `unsigned int prev_state` as the 4th argument (a real change BPF programs had to follow).
const withState = edit(base, (e) => e.proto!.push({ type: 'unsigned int', name: 'prev_state' }));
const tree = (ev: typeof base) => ({ kind: 'tree' as const, events: [ev] });

ruleTester(rule, {
  valid: [
    { name: 'same arguments', old: tree(base), new: tree(base) },
    { name: 'tracefs shows no TP_PROTO: nothing to compare', old: [base], new: tree(withState) },
  ],
  invalid: [
    { name: 'an argument added (sched_switch, 5.18)', old: tree(base), new: tree(withState), findings: [{ message: 'TP_PROTO changed: added unsigned int prev_state' }] },
    {
      name: 'reordered',
      old: tree(base),
      new: tree(edit(base, (e) => e.proto!.reverse())),
      findings: [{ message: 'TP_PROTO changed: reordered' }],
    },
    {
      name: 'retyped',
      old: tree(base),
      new: tree(edit(base, (e) => (e.proto![0]!.type = 'unsigned int'))),
      findings: [{ message: 'TP_PROTO changed: retyped preempt: bool → unsigned int' }],
    },
    {
      name: 'a class change is reported once with every event it covers',
      old: { kind: 'tree', events: [edit(base, (e) => (e.class = 'sched_x')), edit(base, (e) => { e.class = 'sched_x'; e.name = 'sched_switch2'; })] },
      new: { kind: 'tree', events: [edit(withState, (e) => (e.class = 'sched_x')), edit(withState, (e) => { e.class = 'sched_x'; e.name = 'sched_switch2'; })] },
      findings: [{ events: ['sched:sched_switch', 'sched:sched_switch2'], message: 'TP_PROTO changed: added unsigned int prev_state (class sched_x, 2 events)' }],
    },
  ],
});
