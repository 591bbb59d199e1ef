/**
 * One side read from two origins of the same kernel: a capture (formats, systems, print) and its BTF (prototypes,
 * classes). The capture's events keep everything they have and gain `proto` and `class` from the BTF tracepoint of
 * the same name; BTF's bare tracepoints are not added (they have no system, and the capture cannot see them). Where
 * the two disagree on a record's layout the BTF is not of the same kernel, and that is said in the problems.
 */
import { makeSnapshot } from '../../model/canonical.js';
import type { EventDef, Snapshot } from '../../model/snapshot.js';

export function mergeBtf(primary: Snapshot, btf: Snapshot, btfLabel: string): Snapshot {
  const byName = new Map(btf.events.map((e) => [e.name, e]));
  const problems = [...(primary.problems ?? [])];
  let withProto = 0;
  const events: EventDef[] = primary.events.map((e) => {
    const b = byName.get(e.name);
    if (!b || e.kind === 'syscall') return e;
    const out: EventDef = { ...e };
    if (b.proto && !e.proto) {
      out.proto = b.proto;
      withProto++;
    }
    if (b.class && !e.class) out.class = b.class;
    if (!b.fieldsUnknown && b.kind === 'event' && e.kind === 'event') {
      const shape = (x: EventDef) => JSON.stringify(x.fields.map((f) => [f.name, f.offset ?? null, f.size ?? null]));
      if (shape(b) !== shape(e)) {
        problems.push({ file: btfLabel, message: `${e.system}:${e.name}: the BTF's record differs from the capture's (not the same kernel?)` });
      }
    }
    return out;
  });
  if (withProto === 0 && events.length > 0) problems.push({ file: btfLabel, message: 'no event of the capture has a tracepoint in this BTF: not the same kernel?' });
  return makeSnapshot({
    kernel: { ...primary.kernel, also: [...(primary.kernel.also ?? []), 'btf'] },
    header: primary.header,
    events,
    problems,
  });
}
