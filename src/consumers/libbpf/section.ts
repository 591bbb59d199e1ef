/**
 * libbpf program section names (`SEC("...")`, libbpf.c's section_defs): which ones attach to a tracepoint and
 * to which. Shared by the object reader (ELF section names) and the `.bpf.c` source reader (SEC strings).
 */
import type { AttachKind } from '../model.js';

export type SectionTarget =
  /** Attaches to a tracepoint named in the section. `event` is `sys:ev` (tracefs) or `:ev` (raw, BTF). */
  | { kind: 'tracepoint'; attach: AttachKind; event: string; sleepable?: boolean }
  /** A tracepoint program whose target the loader sets at run time (`SEC("tp")`, `SEC("raw_tp")`). */
  | { kind: 'unnamed'; attach: AttachKind }
  /** A tracepoint section whose target does not parse (`tp/foo` with no system). */
  | { kind: 'malformed'; attach: AttachKind; reason: string }
  /** Any other program type (kprobe, fentry, uprobe, perf_event, ...): not a trace-event consumer. */
  | { kind: 'other'; type: string };

const PREFIXES: Array<{ prefix: string; attach: AttachKind; sleepable?: boolean; writable?: boolean }> = [
  { prefix: 'tracepoint.s', attach: 'tracefs', sleepable: true },
  { prefix: 'tracepoint', attach: 'tracefs' },
  { prefix: 'tp.s', attach: 'tracefs', sleepable: true },
  { prefix: 'tp', attach: 'tracefs' },
  { prefix: 'raw_tracepoint.w', attach: 'raw_tp', writable: true },
  { prefix: 'raw_tracepoint', attach: 'raw_tp' },
  { prefix: 'raw_tp.w', attach: 'raw_tp', writable: true },
  { prefix: 'raw_tp', attach: 'raw_tp' },
  { prefix: 'tp_btf', attach: 'tp_btf' },
];

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Classifies one section name. Data sections (`.text`, `.maps`, `license`) are the caller's business. */
export function parseSection(name: string): SectionTarget {
  const slash = name.indexOf('/');
  const head = slash < 0 ? name : name.slice(0, slash);
  const rest = slash < 0 ? undefined : name.slice(slash + 1);
  const def = PREFIXES.find((p) => p.prefix === head);
  if (!def) return { kind: 'other', type: head };
  if (rest === undefined || rest === '') return { kind: 'unnamed', attach: def.attach };
  if (def.attach === 'tracefs') {
    const parts = rest.split('/');
    if (parts.length !== 2 || !NAME.test(parts[0]!) || !NAME.test(parts[1]!)) {
      return { kind: 'malformed', attach: def.attach, reason: `expected ${head}/SYSTEM/EVENT, got "${name}"` };
    }
    const t: SectionTarget = { kind: 'tracepoint', attach: 'tracefs', event: `${parts[0]}:${parts[1]}` };
    if (def.sleepable) t.sleepable = true;
    return t;
  }
  if (!NAME.test(rest)) return { kind: 'malformed', attach: def.attach, reason: `expected ${head}/EVENT, got "${name}"` };
  return { kind: 'tracepoint', attach: def.attach, event: `:${rest}` };
}
