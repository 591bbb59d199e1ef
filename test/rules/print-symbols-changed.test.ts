import rule from '../../rules/print-symbols-changed.js';
import { describe, expect, it } from 'vitest';
import { edit, real, ruleTester } from './tester.js';

const raise = real('irq:softirq_raise');

ruleTester(rule, {
  valid: [
    { name: 'no change', old: [raise], new: [raise] },
    { name: 'an event without tables', old: [real('sched:sched_wakeup')], new: [real('sched:sched_wakeup')] },
    { name: 'values written with other widths (0x0001 vs 0x00000001) are the same', old: [raise], new: [edit(raise, (e) => (e.print!.args[1] = e.print!.args[1]!.replace('{ 1, "TIMER" }', '{ 0x00000001, "TIMER" }')))] },
  ],
  invalid: [
    {
      name: 'a name changes',
      old: [raise],
      new: [edit(raise, (e) => (e.print!.args[1] = e.print!.args[1]!.replace('"HI"', '"HIGH"')))],
      findings: [{ event: 'irq:softirq_raise', message: 'print symbol table changed: __print_symbolic(REC->vec): removed HI; added HIGH' }],
    },
    {
      name: 'a value changes',
      old: [raise],
      new: [edit(raise, (e) => (e.print!.args[1] = e.print!.args[1]!.replace('{ 1, "TIMER" }', '{ 11, "TIMER" }')))],
      findings: [{ message: 'print symbol table changed: __print_symbolic(REC->vec): new values for TIMER' }],
    },
  ],
});

describe('on the real Debian 6.1 → 6.12 diff', () => {
  it('surface_aggregator gained two tables: each table is named, later tables are not all "removed and added"', async () => {
    const { diff } = await import('../../src/index.js');
    const o = await diff('snapshots/debian-linux-source-6.1.176.json.gz', 'snapshots/debian-linux-source-6.12.117.json.gz');
    const found = o.report.findings.filter((f) => f.rule === 'print-symbols-changed' && f.event.startsWith('surface_aggregator:'));
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      expect(f.message).toMatch(/^print symbol table changed: __print_(symbolic|flags)\(/);
      expect(f.message.length).toBeLessThan(400);
      expect(f.message).not.toMatch(/removed .*BAT.*added .*BAT/);
      // A name is listed once per table.
      for (const part of f.message.split(' | ')) {
        const names = part.replace(/^[^:]*: /, '').split(/; |, /).map((n) => n.replace(/^(removed|added|new values for) /, ''));
        expect(new Set(names).size).toBe(names.length);
      }
    }
  });
});
