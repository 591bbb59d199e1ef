import type { AuditRule } from '../src/engine/rule.js';
import { eventKey } from '../src/model/snapshot.js';

const rule: AuditRule = {
  meta: {
    id: 'unused-tracepoint',
    category: 'audit',
    severity: 'warning',
    description: 'Nothing in the tree fires or registers the tracepoint (no trace_<name>(), trace_<name>_enabled() or register_trace_<name>()): it costs kernel memory for nothing.',
  },
  check(ctx, emit) {
    for (const ev of ctx.events) {
      // Precision over recall: only when the tree was scanned and no unresolved macro could generate a call.
      if (!ev.calls || ev.calls.count > 0 || ev.calls.generated) continue;
      emit({
        event: eventKey(ev),
        message: `no caller of trace_${ev.name}() or register_trace_${ev.name}() in the tree`,
        ...(ev.location ? { location: ev.location } : {}),
      });
    }
  },
};
export default rule;
