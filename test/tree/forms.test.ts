/**
 * The definition forms table (src/sources/tree/forms.ts) against the kernel: each form's argument positions
 * are the parameter lists of the kernel's own definitions, and each form read from a real use (or, for the
 * forms no Debian tree uses, a small hand-written one) gives the event its arguments say. Shifting any
 * position of any form fails here. Fixtures: test/fixtures/tree-forms/ (see its SOURCE.txt).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMS, type Form } from '../../src/sources/tree/forms.js';
import { buildFileModel } from '../../src/sources/tree/filemodel.js';
import { loadTree } from '../../src/sources/tree/index.js';
import type { EventDef, Snapshot } from '../../src/model/snapshot.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/tree-forms');

/** What the kernel's definitions call each role (define_trace.h says `tstruct`, tracepoint.h `struct`, ...). */
const ROLE_OF_PARAM: Record<string, keyof Form> = {
  name: 'name', call: 'name', template: 'template', proto: 'proto', args: 'args', cond: 'condition',
  tstruct: 'struct', struct: 'struct', assign: 'assign', func: 'assign', print: 'print',
  reg: 'reg', unreg: 'unreg', size: 'writableSize',
};
const POSITION_ROLES = ['name', 'template', 'proto', 'args', 'condition', 'struct', 'assign', 'print', 'reg', 'unreg', 'writableSize'] as const;

/** Forms no kernel source Debian ships defines (6.14+, or none known): checked against hand-written uses only. */
const NOT_IN_DEBIAN_TREES = ['DECLARE_EVENT_CLASS_WRITABLE', 'DECLARE_TRACE_EVENT', 'DECLARE_TRACE_EVENT_CONDITION'];

function machineryDefines(): { file: string; name: string; params: string[] }[] {
  const root = path.join(FIXTURES, 'machinery-6.12');
  const out: { file: string; name: string; params: string[] }[] = [];
  for (const rel of fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.h')).sort()) {
    const model = buildFileModel(rel, fs.readFileSync(path.join(root, rel), 'utf8'));
    for (const d of model.directives) if (d.kind === 'define' && d.name in FORMS && d.params) out.push({ file: rel, name: d.name, params: d.params });
  }
  return out;
}

describe('definition forms: positions are the kernel definitions’ parameter lists', () => {
  const defines = machineryDefines();

  it('every #define of a form in the real machinery headers agrees with the table, parameter by parameter', () => {
    expect(defines.length).toBeGreaterThan(30);
    for (const d of defines) {
      const form = FORMS[d.name]!;
      const where = `${d.file}: #define ${d.name}(${d.params.join(', ')})`;
      expect(d.params.length, where).toBe(form.arity);
      // Each parameter's role is the table's role at that position, and each role of the table is a parameter.
      const fromKernel: Partial<Record<keyof Form, number>> = {};
      d.params.forEach((p, i) => {
        const role = ROLE_OF_PARAM[p];
        expect(role, `${where}: parameter '${p}'`).toBeDefined();
        fromKernel[role!] = i;
      });
      const fromTable: Partial<Record<keyof Form, number>> = {};
      for (const r of POSITION_ROLES) if (form[r] !== undefined) fromTable[r] = form[r];
      expect(fromTable, where).toEqual(fromKernel);
    }
  });

  it('every form is defined there, but those no Debian tree has', () => {
    const defined = new Set(defines.map((d) => d.name));
    expect(Object.keys(FORMS).filter((n) => !defined.has(n)).sort()).toEqual(NOT_IN_DEBIAN_TREES);
  });
});

const byKey = (s: Snapshot): Map<string, EventDef> => new Map(s.events.map((e) => [`${e.system}:${e.name}`, e]));

interface Expected {
  form: string;
  event: string;
  kind?: EventDef['kind'];
  class?: string;
  proto: EventDef['proto'];
  fields?: string[];
  fmt?: string;
  written?: string[];
  condition?: string;
}

const p = (type: string, name: string): { type: string; name: string } => ({ type, name });

/** One event per form, read from the real 6.12 headers in tree-forms/linux-6.12. */
const REAL: Expected[] = [
  {
    form: 'TRACE_EVENT', event: 'bpf_test_run:bpf_trigger_tp',
    proto: [p('int', 'nonce')], fields: ['nonce'], fmt: 'nonce %d', written: ['nonce'],
  },
  {
    form: 'TRACE_EVENT_CONDITION', event: 'mdio:mdio_access',
    proto: [p('struct mii_bus *', 'bus'), p('char', 'read'), p('u8', 'addr'), p('unsigned int', 'regnum'), p('u16', 'val'), p('int', 'err')],
    fields: ['busid', 'read', 'addr', 'val', 'regnum'], fmt: '%s %-5s phy:0x%02hhx reg:0x%02x val:0x%04hx', written: ['addr', 'busid', 'read', 'regnum', 'val'],
  },
  {
    form: 'TRACE_EVENT_FN', event: 'benchmark:benchmark_event',
    proto: [p('const char *', 'str'), p('u64', 'delta')], fields: ['str', 'delta'], fmt: '%s delta=%llu', written: ['delta', 'str'],
  },
  {
    form: 'TRACE_EVENT_FN_COND', event: 'powerpc:hcall_entry', condition: 'defined(CONFIG_PPC) && defined(CONFIG_PPC_PSERIES)',
    proto: [p('unsigned long', 'opcode'), p('unsigned long *', 'args')], fields: ['opcode'], fmt: 'opcode=%lu', written: ['opcode'],
  },
  {
    form: 'TRACE_CUSTOM_EVENT', event: 'custom:sched_waking',
    // The sample's guard names TRACE_CUSTOM_MULTI_READ, which the reader takes for a condition.
    condition: '!defined(_TRACE_CUSTOM_SCHED_H) || defined(TRACE_CUSTOM_MULTI_READ)',
    proto: [p('struct task_struct *', 'p')], fields: ['pid', 'prio'], fmt: 'pid=%d prio=%d', written: ['pid', 'prio'],
  },
  {
    form: 'DECLARE_EVENT_CLASS', event: 'exceptions:page_fault_user', class: 'x86_exceptions', condition: 'defined(CONFIG_X86)',
    proto: [p('unsigned long', 'address'), p('struct pt_regs *', 'regs'), p('unsigned long', 'error_code')],
    fields: ['address', 'ip', 'error_code'], fmt: 'address=%ps ip=%ps error_code=0x%lx', written: ['address', 'error_code', 'ip'],
  },
  {
    form: 'DEFINE_EVENT_FN', event: 'exceptions:page_fault_kernel', class: 'x86_exceptions', condition: 'defined(CONFIG_X86)',
    proto: [p('unsigned long', 'address'), p('struct pt_regs *', 'regs'), p('unsigned long', 'error_code')],
    fields: ['address', 'ip', 'error_code'], fmt: 'address=%ps ip=%ps error_code=0x%lx',
  },
  {
    form: 'DEFINE_EVENT', event: 'sample-trace:foo_with_template_simple', class: 'foo_template',
    proto: [p('const char *', 'foo'), p('int', 'bar')], fields: ['foo', 'bar'], fmt: 'foo %s %d', written: ['bar', 'foo'],
  },
  {
    form: 'DEFINE_EVENT_CONDITION', event: 'sample-trace:foo_with_template_cond', class: 'foo_template',
    proto: [p('const char *', 'foo'), p('int', 'bar')], fields: ['foo', 'bar'], fmt: 'foo %s %d',
  },
  {
    form: 'DEFINE_EVENT_PRINT', event: 'sample-trace:foo_with_template_print', class: 'foo_template',
    // Its own TP_printk, not the class's ('foo %s %d').
    proto: [p('const char *', 'foo'), p('int', 'bar')], fields: ['foo', 'bar'], fmt: 'bar %s %d',
  },
  {
    form: 'DEFINE_EVENT_WRITABLE', event: 'bpf_test_run:bpf_test_finish', class: 'bpf_test_finish',
    // Reached through a local macro that wraps it in PARAMS(): PARAMS(TP_PROTO(int *err)) is unwrapped one level only.
    proto: [p('TP_PROTO(int *err)', '')], fields: ['err'], fmt: 'bpf_test_finish with err=%d', written: ['err'],
  },
  { form: 'DECLARE_TRACE', event: 'sched:pelt_cfs_tp', kind: 'tracepoint', proto: [p('struct cfs_rq *', 'cfs_rq')] },
];

/** The forms no Debian tree uses outside the machinery, from tree-forms/handwritten. */
const HANDWRITTEN: Expected[] = [
  { form: 'DECLARE_TRACE_CONDITION', event: 'forms:tp_cond', kind: 'tracepoint', proto: [p('struct rq *', 'rq'), p('int', 'cpu')] },
  { form: 'DECLARE_TRACE_WRITABLE', event: 'forms:tp_writable', kind: 'tracepoint', proto: [p('struct nbd_request *', 'req'), p('unsigned int', 'flags')] },
  { form: 'DECLARE_TRACE_EVENT', event: 'forms:tp_event', kind: 'tracepoint', proto: [p('unsigned long', 'ip'), p('long', 'ret')] },
  { form: 'DECLARE_TRACE_EVENT_CONDITION', event: 'forms:tp_event_cond', kind: 'tracepoint', proto: [p('const char *', 'who'), p('u64', 'when')] },
  {
    form: 'DECLARE_EVENT_CLASS_WRITABLE', event: 'forms:writable_user', class: 'writable_class',
    proto: [p('int *', 'err'), p('u32', 'seq')], fields: ['err', 'seq'], fmt: 'err=%d seq=%u', written: ['err', 'seq'],
  },
  {
    form: 'DECLARE_CUSTOM_EVENT_CLASS', event: 'custom_forms:custom_wakeup', class: 'custom_class',
    proto: [p('struct task_struct *', 'p'), p('int', 'prio')], fields: ['pid', 'prio'], fmt: 'pid=%d prio=%d', written: ['pid', 'prio'],
  },
  {
    form: 'DEFINE_CUSTOM_EVENT', event: 'custom_forms:custom_wakeup', class: 'custom_class',
    proto: [p('struct task_struct *', 'p'), p('int', 'prio')], fields: ['pid', 'prio'], fmt: 'pid=%d prio=%d',
  },
];

function check(events: Map<string, EventDef>, x: Expected): void {
  const e = events.get(x.event);
  expect(e, `${x.form}: ${x.event} read`).toBeDefined();
  const got = {
    kind: e!.kind, class: e!.class, proto: e!.proto, condition: e!.condition,
    ...(x.fields ? { fields: e!.fields.map((f) => f.name) } : {}),
    ...(x.fmt !== undefined ? { fmt: e!.print?.fmt } : {}),
    ...(x.written ? { written: [...(e!.written ?? [])].sort() } : {}),
  };
  const want = {
    kind: x.kind ?? 'event', class: x.class, proto: x.proto, condition: x.condition,
    ...(x.fields ? { fields: x.fields } : {}),
    ...(x.fmt !== undefined ? { fmt: x.fmt } : {}),
    ...(x.written ? { written: x.written } : {}),
  };
  expect(got, x.form).toEqual(want);
}

/** The only problem of a fixture tree without include/linux/trace_events.h. */
const NO_COMMON = [{ file: 'include/linux/trace_events.h', message: 'struct trace_entry not found: common fields unknown' }];

describe('definition forms: each form read from a use', async () => {
  const real = await loadTree(path.join(FIXTURES, 'linux-6.12'), { workers: 0, parseCache: false });
  const hand = await loadTree(path.join(FIXTURES, 'handwritten'), { workers: 0, parseCache: false });

  it('the real 6.12 uses read without problems', () => {
    expect(real.problems).toEqual(NO_COMMON);
    expect(hand.problems).toEqual(NO_COMMON);
  });

  for (const x of REAL) it(`${x.form}: ${x.event} (real 6.12 header)`, () => check(byKey(real), x));
  for (const x of HANDWRITTEN) it(`${x.form}: ${x.event} (hand-written)`, () => check(byKey(hand), x));

  it('every form of the table has a use here', () => {
    expect([...new Set([...REAL, ...HANDWRITTEN].map((x) => x.form))].sort()).toEqual(Object.keys(FORMS).sort());
  });

  it('the real uses are the forms the Debian trees use; the hand-written ones those they do not', () => {
    const realForms = new Set(REAL.map((x) => x.form));
    for (const x of HANDWRITTEN) expect(realForms.has(x.form), x.form).toBe(false);
    for (const f of NOT_IN_DEBIAN_TREES) expect(realForms.has(f), f).toBe(false);
  });
});
