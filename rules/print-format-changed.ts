import type { DriftRule } from '../src/engine/rule.js';
import { eventKey } from '../src/model/snapshot.js';
import { pairsWithFields } from '../src/diff/compare.js';
import { samePrint, viewPrint } from '../src/diff/print.js';

function differingArgs(a: string[], b: string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) out.push(i);
  return out;
}

const rule: DriftRule = {
  meta: {
    id: 'print-format-changed',
    category: 'drift',
    severity: 'warning',
    description: 'The TP_printk format string or its arguments changed: parsers of the text trace output break.',
  },
  check(cmp, emit) {
    for (const p of pairsWithFields(cmp)) {
      if (samePrint(p.old.print, p.new.print)) continue;
      const a = viewPrint(p.old.print);
      const b = viewPrint(p.new.print);
      if (!a || !b) continue;
      const fmtChanged = a.fmt !== b.fmt;
      // A tree prints arguments as written, tracefs after the preprocessor: only the format string compares then.
      const changedArgs = cmp.printArgsComparable ? differingArgs(a.args, b.args) : [];
      if (!fmtChanged && changedArgs.length === 0) continue;
      const [first] = changedArgs;
      emit({
        event: eventKey(p.new),
        message: fmtChanged
          ? 'print format string changed'
          : changedArgs.length === 1
            ? `print argument ${first! + 1} changed`
            : `${changedArgs.length} print arguments changed (first: argument ${first! + 1})`,
        old: fmtChanged ? a.fmt : (a.args[first!] ?? '(none)'),
        new: fmtChanged ? b.fmt : (b.args[first!] ?? '(none)'),
        ...(p.new.location ? { location: p.new.location } : {}),
        ...(p.new.class ? { class: p.new.class } : {}),
      });
    }
  },
};
export default rule;
