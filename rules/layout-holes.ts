import type { AuditRule } from '../src/engine/rule.js';
import type { Field } from '../src/model/snapshot.js';
import { eventKey } from '../src/model/snapshot.js';

const DEFAULT_MIN_BYTES = 4;

/** Natural alignment of a field in the record (the kernel lays the entry out as a C struct). */
function alignment(f: Field): number {
  if (f.dynamic) return 4;
  const elem = typeof f.array === 'number' && f.array > 0 ? f.size! / f.array : f.size!;
  return [8, 4, 2, 1].find((a) => elem % a === 0 && elem >= a) ?? 1;
}

/** Where the record ends when the fields are laid out in `order` from `start` (as the compiler would). */
function layoutEnd(order: Field[], start: number): number {
  let at = start;
  for (const f of order) at = Math.ceil(at / alignment(f)) * alignment(f) + f.size!;
  return at;
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

const rule: AuditRule = {
  meta: {
    id: 'layout-holes',
    category: 'audit',
    severity: 'info',
    description: 'The field order leaves padding that makes every record larger than it needs to be: reports the bytes and an order that saves them.',
    options: {
      minBytes: { type: 'integer', minimum: 1, default: DEFAULT_MIN_BYTES, description: 'report padding of at least this many bytes per record' },
    },
  },
  check(ctx, emit, options) {
    const min = typeof options.minBytes === 'number' ? options.minBytes : DEFAULT_MIN_BYTES;
    for (const ev of ctx.events) {
      const fields = ev.fields.filter((f) => f.size !== undefined && f.size > 0);
      if (fields.length < 2 || ev.fields.some((f) => f.offset === undefined || f.size === undefined)) continue;
      // The record is the C struct: its size is rounded up to its strictest alignment (at least the
      // common header's int), so only padding that a reorder turns into a smaller struct costs anything.
      const start = fields[0]!.offset!;
      const structAlign = Math.max(4, ...fields.map(alignment));
      const end = Math.max(...fields.map((f) => f.offset! + f.size!));
      const now = alignUp(end, structAlign);
      const better = [...fields].sort((a, b) => alignment(b) - alignment(a));
      const best = alignUp(layoutEnd(better, start), structAlign);
      const saved = now - best;
      if (saved < min) continue;
      emit({
        event: eventKey(ev),
        message: `padding makes every record ${saved} bytes larger than needed (${now - start} → ${best - start} bytes of payload ordered ${better.map((f) => f.name).join(', ')})`,
        old: now - start,
        new: best - start,
        ...(ev.location ? { location: ev.location } : {}),
        ...(ev.class ? { class: ev.class } : {}),
      });
    }
  },
};
export default rule;
