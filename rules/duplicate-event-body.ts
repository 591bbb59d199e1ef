import type { AuditRule } from '../src/engine/rule.js';
import type { EventDef } from '../src/model/snapshot.js';
import { eventKey } from '../src/model/snapshot.js';
import { eventLookups } from '../src/engine/lookup.js';

/** Standalone TRACE_EVENTs only: events already defined through a shared class are what this rule asks for. */
function standalone(e: EventDef): boolean {
  return e.kind === 'event' && (e.class === undefined || e.class === e.name) && e.assignDigest !== undefined;
}

function bodyText(e: EventDef): string {
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
    // A group is reported when it holds an event with an audited key; every member shares its system, kind,
    // TP_PROTO and print, so each group is found among the look-alikes of such an event, without reading
    // the rest of the snapshot.
    const lookup = eventLookups(ctx);
    // Each event's body once per run: an event is compared with the look-alikes of every seed of its system.
    const bodies = new Map<EventDef, string>();
    const body = (e: EventDef): string => {
      let b = bodies.get(e);
      if (b === undefined) bodies.set(e, (b = bodyText(e)));
      return b;
    };
    const groups = new Map<string, EventDef[]>();
    for (const key of audited) {
      for (const seed of lookup.byKey(key)) {
        if (!standalone(seed)) continue;
        const b = body(seed);
        if (groups.has(b)) continue;
        groups.set(b, lookup.alike(seed).filter((e) => standalone(e) && body(e) === b));
      }
    }
    for (const group of groups.values()) {
      if (group.length < 2) continue;
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
