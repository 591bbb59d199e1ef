import type { AuditRule } from '../src/engine/rule.js';
import type { EventDef } from '../src/model/snapshot.js';
import { eventKey } from '../src/model/snapshot.js';

/** Standalone TRACE_EVENTs only: events already defined through a shared class are what this rule asks for. */
function standalone(e: EventDef): boolean {
  return e.kind === 'event' && (e.class === undefined || e.class === e.name) && e.assignDigest !== undefined;
}

function body(e: EventDef): string {
  return JSON.stringify([e.system, e.proto ?? null, e.fields.map((f) => [f.name, f.type, f.array ?? null, f.dynamic ?? null]), e.print ?? null, e.assignDigest]);
}

const rule: AuditRule = {
  meta: {
    id: 'duplicate-event-body',
    category: 'audit',
    severity: 'info',
    description: 'TRACE_EVENTs in one system with identical TP_PROTO, entry, assign and print: one DECLARE_EVENT_CLASS with DEFINE_EVENTs would save kernel memory (several KB per event).',
  },
  check(ctx, emit) {
    const audited = new Set(ctx.events.filter(standalone).map(eventKey));
    if (audited.size === 0) return;
    const groups = new Map<string, EventDef[]>();
    for (const e of ctx.all) {
      if (!standalone(e)) continue;
      const key = body(e);
      const group = groups.get(key);
      if (group) group.push(e);
      else groups.set(key, [e]);
    }
    for (const group of groups.values()) {
      // Reported when the group holds something being audited (in a diff: what the change adds or touches).
      if (group.length < 2 || !group.some((e) => audited.has(eventKey(e)))) continue;
      const events = group.map(eventKey).sort();
      const first = group.find((e) => eventKey(e) === events[0])!;
      emit({
        event: events[0]!,
        message: `${events.length} TRACE_EVENTs share one body: make them one DECLARE_EVENT_CLASS with DEFINE_EVENTs`,
        events,
        ...(first.location ? { location: first.location } : {}),
      });
    }
  },
};
export default rule;
