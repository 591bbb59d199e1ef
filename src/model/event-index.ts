/**
 * A snapshot read from a file laid out by model/snapshot-text.ts comes with an index: each event's key,
 * kind and fingerprint, read without decoding the event. The diff compares fingerprints first and decodes
 * only the events whose definitions differ (diff/compare.ts); everything else that reads `events` gets them
 * all, decoded on first use. Snapshots built in memory have no index.
 */
import type { EventDef, EventKind, Snapshot } from './snapshot.js';
import type { Fingerprint } from './fingerprint.js';

export interface IndexedEvent {
  /** Position in the snapshot's `events`. */
  ordinal: number;
  system: string;
  name: string;
  kind: EventKind;
  /** `system:name`. */
  key: string;
  fingerprint: Fingerprint;
}

export interface EventIndex {
  /** Every event, in the snapshot's order. */
  readonly entries: readonly IndexedEvent[];
  /** The event at `ordinal`, decoded and checked once (the same object on every call). */
  event(ordinal: number): EventDef;
  /** How many events have been decoded so far. */
  decodedCount(): number;
}

const INDEXES = new WeakMap<Snapshot, EventIndex>();

export function attachIndex(s: Snapshot, index: EventIndex): void {
  INDEXES.set(s, index);
}

export function detachIndex(s: Snapshot): void {
  INDEXES.delete(s);
}

export function indexOf(s: Snapshot): EventIndex | undefined {
  return INDEXES.get(s);
}

/** How many events a snapshot holds, without decoding an indexed one. */
export function eventCount(s: Snapshot): number {
  return indexOf(s)?.entries.length ?? s.events.length;
}

/** The events one by one, decoding an indexed snapshot's only as far as the caller reads. */
export function* eventsOneByOne(s: Snapshot): Generator<EventDef> {
  const index = indexOf(s);
  if (!index) {
    yield* s.events;
    return;
  }
  for (const e of index.entries) yield index.event(e.ordinal);
}

/** Every event's `system:name`, in order, without decoding an indexed snapshot. */
export function eventKeys(s: Snapshot): string[] {
  const index = indexOf(s);
  return index ? index.entries.map((e) => e.key) : s.events.map((e) => `${e.system}:${e.name}`);
}

/** Whether the snapshot holds an event of this kind, from the index when it has one. */
export function hasEventOfKind(s: Snapshot, kind: EventKind): boolean {
  const index = indexOf(s);
  return index ? index.entries.some((e) => e.kind === kind) : s.events.some((e) => e.kind === kind);
}

/**
 * A lookup of the last event with a key (as a Map built over `events` holds it), decoding only the events
 * looked up when the snapshot is indexed.
 */
export function eventLookup(s: Snapshot): (key: string) => EventDef | undefined {
  const index = indexOf(s);
  if (!index) {
    const byKey = new Map(s.events.map((e) => [`${e.system}:${e.name}`, e]));
    return (key) => byKey.get(key);
  }
  const ordinals = new Map(index.entries.map((e) => [e.key, e.ordinal]));
  return (key) => {
    const i = ordinals.get(key);
    return i === undefined ? undefined : index.event(i);
  };
}
