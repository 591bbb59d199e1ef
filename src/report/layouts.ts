/** The record layouts the HTML report draws: each event a finding names, on each side that has it. */
import type { EventDef, Snapshot } from '../model/snapshot.js';
import { fieldDeclaration } from '../model/snapshot.js';
import { eventLookup } from '../model/event-index.js';
import type { EventLayout, ReportData } from './model.js';

/** An HTML page with more layouts than this gets slow to open; the findings themselves are all kept. */
export const MAX_LAYOUTS = 4000;

function layoutOf(key: string, lookup: (key: string) => EventDef | undefined): EventLayout | undefined {
  const ev = lookup(key);
  if (!ev) return undefined;
  const l: EventLayout = {
    fields: ev.fields.map((f) => {
      const out: EventLayout['fields'][number] = { name: f.name, decl: fieldDeclaration(f) };
      if (f.offset !== undefined) out.offset = f.offset;
      if (f.size !== undefined) out.size = f.size;
      if (f.signed !== undefined) out.signed = f.signed;
      return out;
    }),
  };
  if (ev.print) l.print = ev.print.args.length ? `"${ev.print.fmt}", ${ev.print.args.join(', ')}` : `"${ev.print.fmt}"`;
  return l;
}

export function buildLayouts(report: ReportData, old: Snapshot | undefined, neu: Snapshot | undefined): ReportData['layouts'] {
  if (!old && !neu) return undefined;
  const oldLookup = old && eventLookup(old);
  const newLookup = neu && eventLookup(neu);
  const layouts: NonNullable<ReportData['layouts']> = {};
  let n = 0;
  for (const f of report.findings) {
    // The page shows a layout under the event a finding is filed under (its first event).
    const key = f.event;
    if (key in layouts || n >= MAX_LAYOUTS) continue;
    const entry: { old?: EventLayout; new?: EventLayout; renamedTo?: string } = {};
    // A renamed event is the same record under a new name: draw its old layout against the renamed one.
    const newKey = f.rule === 'event-renamed' && typeof f.new === 'string' ? f.new : key;
    const o = oldLookup ? layoutOf(key, oldLookup) : undefined;
    const nw = newLookup ? layoutOf(newKey, newLookup) : undefined;
    if (o) entry.old = o;
    if (nw) entry.new = nw;
    if (nw && newKey !== key) entry.renamedTo = newKey;
    if (o || nw) {
      layouts[key] = entry;
      n++;
    }
  }
  return layouts;
}
