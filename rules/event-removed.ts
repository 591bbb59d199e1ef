import type { DriftRule } from '../src/engine/rule.js';
import { eventKey } from '../src/model/snapshot.js';

const rule: DriftRule = {
  meta: {
    id: 'event-removed',
    category: 'drift',
    severity: 'error',
    description: 'A trace event (or bare tracepoint) of the old kernel is gone from the new one.',
  },
  check(cmp, emit) {
    for (const e of cmp.removed) {
      const bare = e.kind === 'tracepoint';
      emit({
        event: eventKey(e),
        message: cmp.configBound
          ? `not in ${cmp.old.kernel.kind === 'tree' ? 'the new side' : 'the tree'} (removed, or not built in the captured configuration)`
          : bare
            ? 'bare tracepoint removed (BPF raw_tp/tp_btf programs attached to it fail to load)'
            : 'event removed',
        old: { kind: e.kind, fields: e.fields.length },
        // Nobody reads a bare tracepoint's format, but BPF programs attach to it by name. A tree against
        // one configuration's capture cannot tell a removal from an event that is not built: info.
        ...(cmp.configBound ? { severity: 'info' as const } : bare ? { severity: 'warning' as const } : {}),
        ...(e.class ? { class: e.class } : {}),
        // The new side has no line for it: point at the definition that was removed, and say whose it is.
        ...(e.location ? { location: { file: e.location.file, line: e.location.line, side: 'old' as const } } : {}),
      });
    }
  },
};
export default rule;
