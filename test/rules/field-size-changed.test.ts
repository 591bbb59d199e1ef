import rule from '../../rules/field-size-changed.js';
import { edit, real, ruleTester } from './tester.js';

const kmalloc = real('kmem:kmalloc');
const sw = real('sched:sched_switch');

ruleTester(rule, {
  valid: [
    { name: 'no change', old: [kmalloc], new: [kmalloc] },
    {
      name: 'an array length written as a macro with the same size is no change',
      old: [sw],
      new: [edit(sw, (e) => (e.fields[0]!.array = 'TASK_COMM_LEN'))],
    },
    {
      name: 'a length unresolved on one side (hns3_gro: MAX_SKB_FRAGS in 6.1, 17 in 6.12) is unknown, not a change',
      old: { kind: 'tree', events: [edit(sw, (e) => { Object.assign(e.fields[0]!, { array: 'MAX_SKB_FRAGS' }); e.fields.forEach((f) => { delete f.size; delete f.offset; }); })] },
      new: { kind: 'tree', events: [edit(sw, (e) => (e.fields[0]!.array = 17))] },
    },
  ],
  invalid: [
    {
      name: 'int → long',
      old: [kmalloc],
      new: [edit(kmalloc, (e) => Object.assign(e.fields.find((f) => f.name === 'node')!, { type: 'long', size: 8 }))],
      findings: [{ event: 'kmem:kmalloc', field: 'node', message: "field 'node' size changed: int node (4 bytes) → long node (8 bytes)" }],
    },
    {
      name: 'an array grows',
      old: [sw],
      new: [edit(sw, (e) => Object.assign(e.fields[0]!, { array: 24, size: 24 }))],
      findings: [{ field: 'prev_comm' }],
    },
    {
      name: 'sizes unknown (source without prediction): array lengths still compare',
      old: { kind: 'tree', events: [edit(sw, (e) => e.fields.forEach((f) => { delete f.size; delete f.offset; }))] },
      new: { kind: 'tree', events: [edit(sw, (e) => e.fields.forEach((f) => { delete f.size; delete f.offset; if (f.name === 'prev_comm') f.array = 32; }))] },
      findings: [{ field: 'prev_comm' }],
    },
  ],
});
