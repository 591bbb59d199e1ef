import type { AuditRule } from '../src/engine/rule.js';
import { eventKey } from '../src/model/snapshot.js';
import { eventPatternMatches } from '../src/engine/config.js';

const rule: AuditRule = {
  meta: {
    id: 'abi-policy',
    category: 'audit',
    severity: 'error',
    description: 'A change adds a trace event in a subsystem configured to accept only bare tracepoints (DECLARE_TRACE). Off unless configured.',
    options: {
      tracepointOnly: {
        type: 'array',
        items: { type: 'string', pattern: '^[^\\s]+$' },
        description: 'systems (or system:event patterns) where a change may add only bare tracepoints (DECLARE_TRACE), no new trace events; also set by the config\'s abiPolicy',
      },
    },
  },
  check(ctx, emit, options) {
    const systems = Array.isArray(options.tracepointOnly) ? (options.tracepointOnly as unknown[]).filter((s): s is string => typeof s === 'string') : [];
    if (systems.length === 0 || !ctx.isChange) return;
    for (const ev of ctx.added ?? []) {
      if (ev.kind !== 'event') continue;
      const pattern = systems.find((s) => eventPatternMatches(s.includes(':') ? s : `${s}:*`, eventKey(ev)));
      if (!pattern) continue;
      emit({
        event: eventKey(ev),
        message: `new trace event in '${ev.system}', where policy accepts only bare tracepoints (DECLARE_TRACE): its format becomes ABI`,
        ...(ev.location ? { location: ev.location } : {}),
      });
    }
  },
};
export default rule;
