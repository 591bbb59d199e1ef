/**
 * Pairs the events and fields of two snapshots. Decides once, centrally, what is the same thing on both
 * sides (same key, renamed, moved to another system), so that the rules never disagree about it.
 */
import type { EventDef, Field, Snapshot } from '../model/snapshot.js';
import { type Facets, sharedFacets, sideFacets } from '../model/facets.js';
import { eventKey } from '../model/snapshot.js';
import { compareKeys } from '../model/canonical.js';
import { type EventIndex, type IndexedEvent, indexOf } from '../model/event-index.js';

export interface FieldPair {
  old: Field;
  new: Field;
}

export interface FieldMatching {
  /** Same name on both sides, in new-side order. */
  matched: FieldPair[];
  /** Heuristic: same position, type and size, another name. */
  renamed: FieldPair[];
  removed: Field[];
  added: Field[];
}

export type EventRelation = 'same' | 'renamed' | 'moved';

export interface EventPair {
  old: EventDef;
  new: EventDef;
  relation: EventRelation;
  fields: FieldMatching;
}

export type { Facets } from '../model/facets.js';

export interface Comparison {
  old: Snapshot;
  new: Snapshot;
  /** Facets both sides have: a rule compares only what both sides can tell. */
  shared: Facets;
  /** Print arguments are written the same way on both sides, so they compare literally. */
  printArgsComparable: boolean;
  /**
   * One side holds every definition of a tree, the other one configuration's events: an event on one side
   * only may just not be built in that configuration.
   */
  configBound: boolean;
  /**
   * `name` when a side has no TRACE_SYSTEM (a BTF): events paired by name alone (tracepoint names are unique
   * kernel-wide), and an event of that side keeps the system '' it has; never one made up for it.
   */
  pairedBy: 'key' | 'name';
  pairs: EventPair[];
  removed: EventDef[];
  added: EventDef[];
  /**
   * Events on one side only whose defining file the other side could not read whole (a problem names that
   * file there): not removed or added, but unknown. The reports list those problems ("not read").
   */
  unread: { event: EventDef; side: 'old' | 'new'; unreadBy: 'old' | 'new' }[];
}

/**
 * Where an event's payload starts: the offset of its first field. Offsets are compared relative to it, so
 * a change of the common header (reported once on its own) does not make every field of every event look
 * moved, while a field inserted at the front still moves the fields behind it.
 */
export function payloadBase(ev: EventDef): number | undefined {
  return ev.fields[0]?.offset;
}

function fieldShape(f: Field): string {
  return JSON.stringify([f.type, f.array ?? null, f.dynamic ?? null]);
}

function sameShape(a: Field, b: Field): boolean {
  return fieldShape(a) === fieldShape(b) && (a.size === undefined || b.size === undefined || a.size === b.size);
}

export function matchFields(oldFields: Field[], newFields: Field[]): FieldMatching {
  // Real events can declare one name twice (amdgpu_vm_grab_id in 6.1: `__string(ring)` and `__field(u32, ring)`):
  // the k-th field of a name pairs with the k-th field of that name on the other side.
  const oldByName = new Map<string, number[]>();
  oldFields.forEach((f, i) => oldByName.set(f.name, [...(oldByName.get(f.name) ?? []), i]));
  const pairedOld = new Set<number>();
  const pairedNew = new Set<number>();
  const matched: FieldPair[] = [];
  newFields.forEach((nf, j) => {
    const i = oldByName.get(nf.name)?.shift();
    if (i === undefined) return;
    matched.push({ old: oldFields[i]!, new: nf });
    pairedOld.add(i);
    pairedNew.add(j);
  });
  const lostIdx = oldFields.map((_f, i) => (pairedOld.has(i) ? -1 : i)).filter((i) => i >= 0);
  const gainedIdx = new Set(newFields.map((_f, j) => (pairedNew.has(j) ? -1 : j)).filter((j) => j >= 0));
  const renamed: FieldPair[] = [];
  const renamedOld = new Set<number>();
  for (const i of lostIdx) {
    // Same position in the record, same type and size: the field was renamed, not replaced.
    if (gainedIdx.has(i) && sameShape(oldFields[i]!, newFields[i]!)) {
      renamed.push({ old: oldFields[i]!, new: newFields[i]! });
      renamedOld.add(i);
      gainedIdx.delete(i);
    }
  }
  return {
    matched,
    renamed,
    removed: lostIdx.filter((i) => !renamedOld.has(i)).map((i) => oldFields[i]!),
    added: [...gainedIdx].sort((a, b) => a - b).map((i) => newFields[i]!),
  };
}

const NO_FIELD_CHANGES: FieldMatching = Object.freeze({ matched: [], renamed: [], removed: [], added: [] }) as FieldMatching;

function pairEvents(old: EventDef, neu: EventDef, relation: EventRelation): EventPair {
  // A side that could not tell the record (fieldsUnknown) has no field to compare, not "no fields".
  const fields = old.fieldsUnknown || neu.fieldsUnknown ? NO_FIELD_CHANGES : matchFields(old.fields, neu.fields);
  return { old, new: neu, relation, fields };
}

function groupBy<T>(events: readonly T[], key: (e: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const e of events) {
    const k = key(e);
    const list = m.get(k);
    if (list) list.push(e);
    else m.set(k, [e]);
  }
  return m;
}

/** Field list identity for the rename heuristic: names and shapes, in order. */
function bodySignature(e: EventDef): string {
  return JSON.stringify(e.fields.map((f) => [f.name, fieldShape(f)]));
}

export interface CompareOptions {
  /**
   * Leave out the pairs no drift rule could report: with two indexed snapshots (read from files tpdrift
   * wrote), an event key with one event on each side and equal definition fingerprints is not decoded and
   * not paired. What the rules find is the same; `pairs` then holds only the events that changed. Off by
   * default, for callers that want every pair; a diff that only runs the drift and audit rules turns it on.
   */
  onlyChanged?: boolean;
}

export function compareSnapshots(old: Snapshot, neu: Snapshot, opts: CompareOptions = {}): Comparison {
  const fo = sideFacets(old);
  const fn = sideFacets(neu);
  const shared = sharedFacets(fo, fn);
  // A side that cannot see bare tracepoints (tracefs) or syscall events (a tree) must not make the other
  // side's look added or removed.
  const visible = (e: Pick<EventDef, 'kind' | 'system'>): boolean =>
    (shared.tracepoints || e.kind !== 'tracepoint') && (shared.syscalls || e.kind !== 'syscall') && (shared.ftraceEvents || e.system !== 'ftrace');
  const pairedBy = shared.systems ? 'key' : 'name';
  const keyOf = shared.systems ? eventKey : (e: EventDef) => e.name;
  // Definition fingerprints are indexed by system:name: the shortcut serves sides that both tell systems.
  const oldIndex = opts.onlyChanged && shared.systems ? indexOf(old) : undefined;
  const newIndex = opts.onlyChanged && shared.systems ? indexOf(neu) : undefined;
  const { oldByKey, newByKey } =
    oldIndex && newIndex
      ? changedEventsByKey(oldIndex, newIndex, visible)
      : { oldByKey: groupBy(old.events.filter(visible), keyOf), newByKey: groupBy(neu.events.filter(visible), keyOf) };

  const pairs: EventPair[] = [];
  let removed: EventDef[] = [];
  let added: EventDef[] = [];

  for (const [key, olds] of oldByKey) {
    const news = newByKey.get(key);
    if (!news) {
      removed.push(...olds);
      continue;
    }
    // Alternative definitions of one event (different #if branches) pair by condition, then in order.
    const remaining = [...news];
    const unpaired: EventDef[] = [];
    if (pairedBy === 'name') {
      // A side without TRACE_SYSTEM (BTF) pairs by the kernel-wide unique tracepoint name; the pair is shown under
      // the system the other side has (the BTF event itself keeps none).
      for (const o of olds) {
        const n = remaining.shift();
        if (n) pairs.push(pairEvents(o.system ? o : { ...o, system: n.system }, n.system ? n : { ...n, system: o.system }, 'same'));
      }
      continue;
    }
    for (const o of olds) {
      const i = remaining.findIndex((n) => (n.condition ?? '') === (o.condition ?? ''));
      if (i >= 0) pairs.push(pairEvents(o, remaining.splice(i, 1)[0]!, 'same'));
      else unpaired.push(o);
    }
    for (const o of unpaired) {
      const n = remaining.shift();
      if (n) pairs.push(pairEvents(o, n, 'same'));
      // An extra alternative definition on one side is the same event, not a removal.
    }
  }
  for (const [key, news] of newByKey) if (!oldByKey.has(key)) added.push(...news);

  // An event the other side could not read is not an event the kernel removed (or added).
  const unread: Comparison['unread'] = [];
  const notReadNew = problemFiles(neu);
  const notReadOld = problemFiles(old);
  removed = removed.filter((e) => !(e.location && notReadNew.has(e.location.file) && unread.push({ event: e, side: 'old', unreadBy: 'new' })));
  added = added.filter((e) => !(e.location && notReadOld.has(e.location.file) && unread.push({ event: e, side: 'new', unreadBy: 'old' })));

  // Moved to another system: same event name, one candidate each way.
  const movedPairs = uniquePairs(removed, added, (e) => e.name);
  for (const [o, n] of movedPairs) pairs.push(pairEvents(o, n, 'moved'));
  removed = removed.filter((e) => !movedPairs.some(([o]) => o === e));
  added = added.filter((e) => !movedPairs.some(([, n]) => n === e));

  // Renamed: same system, the same non-empty field list, one candidate each way.
  const renamedPairs = uniquePairs(
    removed.filter((e) => e.fields.length > 0),
    added.filter((e) => e.fields.length > 0),
    (e) => `${e.system}\0${bodySignature(e)}`,
  );
  for (const [o, n] of renamedPairs) pairs.push(pairEvents(o, n, 'renamed'));
  removed = removed.filter((e) => !renamedPairs.some(([o]) => o === e));
  added = added.filter((e) => !renamedPairs.some(([, n]) => n === e));

  pairs.sort((a, b) => compareKeys(eventKey(a.new), eventKey(b.new)) || compareKeys(a.new.condition ?? '', b.new.condition ?? ''));
  return {
    old,
    new: neu,
    shared,
    printArgsComparable: fo.printArgsExpanded === fn.printArgsExpanded,
    configBound: fo.allConfigs !== fn.allConfigs,
    pairedBy,
    pairs,
    removed,
    added,
    unread,
  };
}

/**
 * Two indexed snapshots (model/event-index.ts): the events to pair, by key, leaving out every key that
 * holds one event on each side with the same definition fingerprint. Such a pair is equal in everything the
 * diff compares, so no drift rule could report it (and nothing audits an event no drift rule reported); it
 * is never decoded. Every other event is decoded, and pairs exactly as in a comparison of whole snapshots.
 * Keys stay in the order of the events, as grouping the decoded lists would give them.
 */
function changedEventsByKey(
  oldIndex: EventIndex,
  newIndex: EventIndex,
  visible: (e: Pick<EventDef, 'kind' | 'system'>) => boolean,
): { oldByKey: Map<string, EventDef[]>; newByKey: Map<string, EventDef[]> } {
  const oldEntries = groupBy(oldIndex.entries.filter(visible), (e) => e.key);
  const newEntries = groupBy(newIndex.entries.filter(visible), (e) => e.key);
  const unchanged = (key: string, olds: IndexedEvent[]): boolean => {
    const news = newEntries.get(key);
    return olds.length === 1 && news?.length === 1 && olds[0]!.fingerprint.definition === news[0]!.fingerprint.definition;
  };
  const oldByKey = new Map<string, EventDef[]>();
  for (const [key, olds] of oldEntries) {
    if (!unchanged(key, olds)) oldByKey.set(key, olds.map((e) => oldIndex.event(e.ordinal)));
  }
  const newByKey = new Map<string, EventDef[]>();
  for (const [key, news] of newEntries) {
    const olds = oldEntries.get(key);
    if (!olds || !unchanged(key, olds)) newByKey.set(key, news.map((e) => newIndex.event(e.ordinal)));
  }
  return { oldByKey, newByKey };
}

/** Files a side's snapshot says it could not read (whole or in part). */
function problemFiles(s: Snapshot): Set<string> {
  return new Set((s.problems ?? []).map((p) => p.file));
}

function uniquePairs(olds: EventDef[], news: EventDef[], key: (e: EventDef) => string): [EventDef, EventDef][] {
  const o = groupBy(olds, key);
  const n = groupBy(news, key);
  const out: [EventDef, EventDef][] = [];
  for (const [k, list] of o) {
    const other = n.get(k);
    if (list.length === 1 && other?.length === 1) out.push([list[0]!, other[0]!]);
  }
  return out;
}


/** Event pairs whose field lists both mean something (a bare tracepoint has none to compare). */
export function pairsWithFields(cmp: Comparison): EventPair[] {
  return cmp.pairs.filter((p) => p.old.kind !== 'tracepoint' && p.new.kind !== 'tracepoint');
}
