/**
 * Evaluates a consumer's guard on a kernel, where tpdrift can: bcc's `BPF.tracepoint_exists("sys", "ev")`
 * and `BPF.kernel_struct_has_field("trace_event_raw_X", "f")` ask the kernel the tool runs on a question a
 * snapshot answers. `fails`: the guarded code is not loaded there (the tool takes its fallback); `passes`:
 * it is loaded, so what it reads must be right; `unknown`: a guard tpdrift cannot evaluate (a kprobe
 * probe, BTF of task_struct, a negation), assumed to cover the absence of what it guards.
 */
import type { Snapshot } from '../model/snapshot.js';
import { eventKey } from '../model/snapshot.js';
import { sideFacets } from '../model/facets.js';

export type GuardOutcome = 'passes' | 'fails' | 'unknown';

const TP_EXISTS = /tracepoint_exists\(\s*b?["'](\w+)["']\s*,\s*b?["'](\w+)["']\s*\)/g;
const HAS_FIELD = /kernel_struct_has_field\(\s*b?["']trace_event_raw_(\w+)["']\s*,\s*b?["'](\w+)["']\s*\)/g;

/** libbpf's `bpf_core_type_exists(struct trace_event_raw_X)` (negated: the fallback path), on a side that knows classes. */
const CORE_TYPE_EXISTS = /^(!?)bpf_core_type_exists\(struct (trace_event_raw_\w+)\)$/;

export function guardOutcome(guard: string, kernel: Snapshot): GuardOutcome {
  const core = CORE_TYPE_EXISTS.exec(guard);
  if (core) {
    if (!sideFacets(kernel).classes) return 'unknown';
    const exists = kernel.events.some((e) => `trace_event_raw_${e.class ?? e.name}` === core[2]);
    return exists !== (core[1] === '!') ? 'passes' : 'fails';
  }
  if (/\bnot\b|\bor\b/.test(guard)) return 'unknown';
  const tests: boolean[] = [];
  for (const m of guard.matchAll(TP_EXISTS)) tests.push(kernel.events.some((e) => eventKey(e) === `${m[1]}:${m[2]}` && e.kind !== 'tracepoint'));
  for (const m of guard.matchAll(HAS_FIELD)) {
    const evs = kernel.events.filter((e) => (e.class ?? e.name) === m[1] || e.name === m[1]);
    if (evs.length === 0) return 'unknown';
    tests.push(evs.some((e) => e.fields.some((f) => f.name === m[2])));
  }
  if (tests.length === 0) return 'unknown';
  return tests.every(Boolean) ? 'passes' : 'fails';
}
