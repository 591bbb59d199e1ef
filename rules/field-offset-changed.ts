import type { DriftRule } from '../src/engine/rule.js';
import { eventKey, fieldLocation } from '../src/model/snapshot.js';
import { pairsWithFields, payloadBase } from '../src/diff/compare.js';

const rule: DriftRule = {
  meta: {
    id: 'field-offset-changed',
    category: 'drift',
    severity: 'warning',
    description: 'Fields moved within the record: readers of fixed offsets (BPF programs on tracepoint contexts, hand-written parsers) break. Reported once per event.',
  },
  check(cmp, emit) {
    for (const p of pairsWithFields(cmp)) {
      // Offsets are compared after the common header, so a header change (reported once on its own)
      // does not make every field of every event look moved.
      const oldBase = payloadBase(p.old);
      const newBase = payloadBase(p.new);
      if (oldBase === undefined || newBase === undefined) continue;
      const moved: { name: string; from: number; to: number }[] = [];
      for (const fp of [...p.fields.matched, ...p.fields.renamed]) {
        if (fp.old.offset === undefined || fp.new.offset === undefined) continue;
        const from = fp.old.offset - oldBase;
        const to = fp.new.offset - newBase;
        if (from !== to) moved.push({ name: fp.new.name, from: fp.old.offset, to: fp.new.offset });
      }
      if (moved.length === 0) continue;
      const first = moved[0]!;
      const loc = fieldLocation(p.new, p.new.fields.find((f) => f.name === first.name));
      // When the payload itself starts elsewhere (the common header changed), say where the field sits
      // within the payload too, or `offset 16 → 16` would read as no move at all.
      const how =
        oldBase === newBase
          ? `offset ${first.from} → ${first.to}`
          : `payload offset +${first.from - oldBase} → +${first.to - newBase}, record offset ${first.from} → ${first.to}`;
      emit({
        event: eventKey(p.new),
        message:
          moved.length === 1 ? `field '${first.name}' moved: ${how}` : `${moved.length} fields moved (first '${first.name}': ${how})`,
        old: Object.fromEntries(moved.map((m) => [m.name, m.from])),
        new: Object.fromEntries(moved.map((m) => [m.name, m.to])),
        ...(loc ? { location: loc } : {}),
        ...(p.new.class ? { class: p.new.class } : {}),
      });
    }
  },
};
export default rule;
