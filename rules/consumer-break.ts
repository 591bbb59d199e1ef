import type { ConsumerRule, Report } from '../src/engine/rule.js';
import { type Verdict, checkUseAcross, checkUseOn } from '../src/consumers/check.js';
import { guardOutcome } from '../src/consumers/guard.js';
import type { Use } from '../src/consumers/model.js';

function what(u: Use): string {
  if (u.field !== undefined) return `field '${u.field}'`;
  if (u.arg !== undefined) return `argument ${u.arg}${u.type ? ` (${u.type})` : ''}`;
  if (u.read === 'print-text') return 'the printed text';
  return 'the event';
}

const rule: ConsumerRule = {
  meta: {
    id: 'consumer-break',
    category: 'consumer',
    severity: 'error',
    description: 'A known consumer (a bpftrace script, bcc tool, libbpf-tools program or declared manifest) reads an event, field or argument that a kernel change breaks for its way of reading.',
  },
  check(ctx, emit) {
    // One finding per tool, event and thing read: a removed event is one finding per tool, not one per field.
    const seen = new Set<string>();
    for (const use of ctx.uses) {
      let verdicts: Verdict[];
      if (ctx.cmp) verdicts = checkUseAcross(use, ctx.cmp);
      else {
        const v = checkUseOn(use, ctx.kernel);
        if (v === 'unknown') continue;
        verdicts = v;
      }
      for (const v of verdicts) {
        const key = JSON.stringify([use.tool, use.file, v.event, v.eventMissing ? '' : (use.field ?? use.arg ?? use.read)]);
        if (seen.has(key)) continue;
        seen.add(key);
        // A binary's line is in the source its line info names (libbpf: `biolatency.bpf.c`), not in the file.
        const where = use.source !== undefined && use.line !== undefined ? `${use.file}, ${use.source}:${use.line}` : `${use.file}${use.line !== undefined ? `:${use.line}` : ''}`;
        const guard = use.guarded ? guardOutcome(use.guarded, ctx.kernel) : undefined;
        // A guard the tool evaluates on the kernel: when it fails there, the guarded text is never loaded.
        const fallback = guard === 'fails' || (guard === 'unknown' && (v.eventMissing || v.fieldMissing));
        const change = ctx.cmp ? `${v.change} (${v.cause})` : v.change;
        const message = fallback
          ? `${use.tool} (${where}): ${use.read} read of ${what(use)} of ${v.event}: ${change}; guarded by ${use.guarded}, so it takes its fallback`
          : `${use.tool} (${where}): ${use.read} read of ${what(use)} of ${v.event} breaks: ${change}; ${v.why}${use.guarded ? ` (its guard ${use.guarded} does not cover this)` : ''}`;
        const consumer: NonNullable<Report['consumer']> = { tool: use.tool, family: use.family, file: use.file, read: use.read, attach: use.attach };
        if (use.line !== undefined) consumer.line = use.line;
        if (use.guarded !== undefined) consumer.guarded = use.guarded;
        const r: Report = { event: v.event, message, consumer, cause: v.cause };
        if (use.field !== undefined && !v.eventMissing) r.field = use.field;
        else if (use.arg !== undefined && !v.eventMissing) r.field = `arg${use.arg}`;
        if (v.old !== undefined) r.old = v.old;
        if (v.new !== undefined) r.new = v.new;
        if (fallback) r.severity = 'info';
        // A tree against one configuration's capture cannot tell a removal from an event not built there.
        else if (v.cause === 'event-removed' && ctx.cmp?.configBound) r.severity = 'warning';
        emit(r);
      }
    }
  },
};
export default rule;
