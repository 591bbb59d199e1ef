/**
 * Answers to AuditLookup's questions, over a list of events or over an indexed snapshot (which then decodes
 * only the events it returns).
 */
import type { EventDef } from '../model/snapshot.js';
import { eventKey } from '../model/snapshot.js';
import type { EventIndex } from '../model/event-index.js';
import { fingerprintOf } from '../model/fingerprint.js';
import type { AuditContext, AuditLookup } from './rule.js';

function grouped<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = m.get(k);
    if (list) list.push(t);
    else m.set(k, [t]);
  }
  return m;
}

export function listLookup(events: readonly EventDef[]): AuditLookup {
  let byKey: Map<string, EventDef[]> | undefined;
  let alike: Map<string, EventDef[]> | undefined;
  const alikeKey = (e: EventDef) => JSON.stringify([e.system, e.kind, e.proto ?? null, e.print ?? null]);
  return {
    byKey: (key) => (byKey ??= grouped(events, eventKey)).get(key) ?? [],
    alike: (e) => (alike ??= grouped(events, alikeKey)).get(alikeKey(e)) ?? [],
  };
}

/** Over an indexed snapshot: look-alikes found by their prototype and print fingerprints. */
export function indexLookup(index: EventIndex): AuditLookup {
  let byKey: Map<string, number[]> | undefined;
  let alike: Map<string, number[]> | undefined;
  const decode = (ordinals: number[] | undefined) => (ordinals ?? []).map((i) => index.event(i));
  const alikeKey = (system: string, kind: string, proto: string | undefined, print: string | undefined) => `${system}\0${kind}\0${proto ?? ''}\0${print ?? ''}`;
  return {
    byKey: (key) => decode((byKey ??= ordinalsBy(index, (e) => e.key)).get(key)),
    alike: (e) => {
      alike ??= ordinalsBy(index, (x) => alikeKey(x.system, x.kind, x.fingerprint.proto, x.fingerprint.print));
      const fp = fingerprintOf(e);
      return decode(alike.get(alikeKey(e.system, e.kind, fp.proto, fp.print)));
    },
  };
}

function ordinalsBy(index: EventIndex, key: (e: EventIndex['entries'][number]) => string): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const e of index.entries) {
    const k = key(e);
    const list = m.get(k);
    if (list) list.push(e.ordinal);
    else m.set(k, [e.ordinal]);
  }
  return m;
}

/** Only the events `keep` keeps, in every answer. */
export function filteredLookup(lookup: AuditLookup, keep: (e: EventDef) => boolean): AuditLookup {
  return { byKey: (key) => lookup.byKey(key).filter(keep), alike: (e) => lookup.alike(e).filter(keep) };
}

const fromAll = new WeakMap<AuditContext, AuditLookup>();

/** The context's lookups: its own, or answers over `all` (built once per context). */
export function eventLookups(ctx: AuditContext): AuditLookup {
  if (ctx.lookup) return ctx.lookup;
  let l = fromAll.get(ctx);
  if (!l) fromAll.set(ctx, (l = listLookup(ctx.all)));
  return l;
}
