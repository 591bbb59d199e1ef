import type { DriftRule } from '../src/engine/rule.js';
import type { ProtoArg } from '../src/model/snapshot.js';
import { eventKey } from '../src/model/snapshot.js';
import { withoutAddressSpaces } from '../src/diff/fields.js';

const show = (a: ProtoArg): string => `${a.type} ${a.name}`;

/** Says how an argument list changed: added, removed, retyped, reordered. */
export function describeProtoChange(before: ProtoArg[], after: ProtoArg[]): string {
  const parts: string[] = [];
  const byName = (list: ProtoArg[], n: string): ProtoArg | undefined => list.find((a) => a.name === n);
  const removed = before.filter((a) => !byName(after, a.name));
  const added = after.filter((a) => !byName(before, a.name));
  const retyped = before.filter((a) => {
    const b = byName(after, a.name);
    return b !== undefined && b.type !== a.type;
  });
  if (removed.length) parts.push(`removed ${removed.map(show).join(', ')}`);
  if (added.length) parts.push(`added ${added.map(show).join(', ')}`);
  if (retyped.length) parts.push(`retyped ${retyped.map((a) => `${a.name}: ${a.type} → ${byName(after, a.name)!.type}`).join(', ')}`);
  const common = (list: ProtoArg[]): string[] => list.map((a) => a.name).filter((n) => byName(before, n) && byName(after, n));
  if (JSON.stringify(common(before)) !== JSON.stringify(common(after))) parts.push('reordered');
  return parts.join('; ') || 'changed';
}

const rule: DriftRule = {
  meta: {
    id: 'proto-changed',
    category: 'drift',
    severity: 'warning',
    description: 'TP_PROTO arguments were added, removed, reordered or retyped: BPF raw_tp/tp_btf programs read them positionally.',
  },
  check(cmp, emit) {
    if (!cmp.shared.proto) return;
    for (const p of cmp.pairs) {
      if (!p.old.proto || !p.new.proto) continue;
      const a = p.old.proto.map(show);
      const b = p.new.proto.map(show);
      // A side without address spaces (BTF) is compared with them taken out of both (`void __percpu *ptr`).
      const bare = (l: ProtoArg[]) => JSON.stringify(l.map((x) => `${withoutAddressSpaces(x.type)} ${x.name}`));
      if (JSON.stringify(a) === JSON.stringify(b) || (!cmp.shared.addressSpaces && bare(p.old.proto) === bare(p.new.proto))) continue;
      emit({
        event: eventKey(p.new),
        message: `TP_PROTO changed: ${describeProtoChange(p.old.proto, p.new.proto)}`,
        old: a,
        new: b,
        ...(p.new.location ? { location: p.new.location } : {}),
        ...(p.new.class ? { class: p.new.class } : {}),
      });
    }
  },
};
export default rule;
