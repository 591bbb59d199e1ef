/**
 * `tpdrift fingerprint`: the fingerprints (model/fingerprint.ts) of a source's events, as text or as a JSON
 * file a tool keeps beside its code, and the check of a source against such a file.
 */
import fs from 'node:fs';
import { InputError } from '../errors.js';
import { eventPatternMatches } from '../engine/config.js';
import { type Fingerprint, FINGERPRINT_FACETS, type FingerprintFacet, fingerprintOf, isFingerprint } from '../model/fingerprint.js';
import { facetsOf } from '../model/facets.js';
import { ORIGIN_KINDS, type OriginKind, type Snapshot, eventKey } from '../model/snapshot.js';
import { stableStringify } from '../util/json.js';

export const FINGERPRINTS_SCHEMA = 'tpdrift/fingerprints@1';

export interface FingerprintEntry {
  event: string;
  /** Set when the source holds alternative definitions of the event (different #if branches). */
  condition?: string;
  fingerprint: Fingerprint;
}

export interface FingerprintList {
  schema: typeof FINGERPRINTS_SCHEMA;
  kernel: { source: string; kind: OriginKind; release?: string };
  events: FingerprintEntry[];
}

/** The fingerprints of the events matching `patterns` (every event when none), and the patterns that matched nothing. */
export function listFingerprints(snap: Snapshot, patterns: readonly string[]): { list: FingerprintList; unmatched: string[] } {
  const wanted = patterns.length === 0 ? snap.events : snap.events.filter((e) => patterns.some((p) => eventPatternMatches(p, eventKey(e))));
  const unmatched = patterns.filter((p) => !snap.events.some((e) => eventPatternMatches(p, eventKey(e))));
  const keys = new Map<string, number>();
  for (const e of wanted) keys.set(eventKey(e), (keys.get(eventKey(e)) ?? 0) + 1);
  const kernel = { source: snap.kernel.source, kind: snap.kernel.kind } as FingerprintList['kernel'];
  if (snap.kernel.release !== undefined) kernel.release = snap.kernel.release;
  const events = wanted.map((e) => {
    // Built key by key: the JSON file's key order is the order written here.
    const entry = { event: eventKey(e) } as FingerprintEntry;
    if (keys.get(eventKey(e))! > 1 && e.condition !== undefined) entry.condition = e.condition;
    entry.fingerprint = fingerprintOf(e);
    return entry;
  });
  return { list: { schema: FINGERPRINTS_SCHEMA, kernel, events }, unmatched };
}

export function fingerprintsJson(list: FingerprintList): string {
  return stableStringify(list) + '\n';
}

/** One line per event: the key, then each facet it has as `facet=digest`. */
export function fingerprintsText(list: FingerprintList): string {
  const width = Math.max(0, ...list.events.map((e) => e.event.length));
  return list.events
    .map((e) => {
      const facets = FINGERPRINT_FACETS.filter((f) => e.fingerprint[f] !== undefined).map((f) => `${f}=${e.fingerprint[f]}`);
      const cond = e.condition !== undefined ? `  [${e.condition}]` : '';
      return `${e.event.padEnd(width)}  ${facets.join(' ')}${cond}\n`;
    })
    .join('');
}

export function readFingerprints(file: string): FingerprintList {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(file, code === 'ENOENT' ? 'no such file' : code ? (e as Error).message : `not valid JSON (${(e as Error).message})`);
  }
  const d = data as Record<string, unknown>;
  if (typeof d !== 'object' || d === null || d.schema !== FINGERPRINTS_SCHEMA) throw new InputError(file, `not a fingerprint file (schema ${FINGERPRINTS_SCHEMA})`);
  const kernel = d.kernel as Record<string, unknown> | undefined;
  if (typeof kernel !== 'object' || kernel === null || !(ORIGIN_KINDS as readonly unknown[]).includes(kernel.kind) || typeof kernel.source !== 'string') {
    throw new InputError(file, "no valid 'kernel' (source, kind)");
  }
  if (!Array.isArray(d.events)) throw new InputError(file, "no 'events' array");
  d.events.forEach((e: unknown, i: number) => {
    const x = e as Record<string, unknown>;
    if (typeof x !== 'object' || x === null || typeof x.event !== 'string' || !isFingerprint(x.fingerprint) || (x.condition !== undefined && typeof x.condition !== 'string')) {
      throw new InputError(file, `events[${i}] is not {event, condition?, fingerprint}`);
    }
  });
  return data as FingerprintList;
}

export interface FingerprintMismatch {
  event: string;
  /** The facets that differ; empty when the event is missing. */
  facets: FingerprintFacet[];
  missing?: true;
}

/**
 * What changed for each recorded event: the ABI facets both sides tell (layout, prototype, print format,
 * condition; `definition` also covers call counts and assignments, which no consumer reads). Print formats
 * compare only between sources of the same print convention (a capture prints its arguments expanded).
 */
export function checkFingerprints(recorded: FingerprintList, current: FingerprintList): FingerprintMismatch[] {
  const printComparable = facetsOf(recorded.kernel.kind).printArgsExpanded === facetsOf(current.kernel.kind).printArgsExpanded;
  const out: FingerprintMismatch[] = [];
  for (const r of recorded.events) {
    const candidates = current.events.filter((c) => c.event === r.event);
    if (candidates.length === 0) {
      out.push({ event: r.event, facets: [], missing: true });
      continue;
    }
    const c = candidates.find((x) => (x.condition ?? '') === (r.condition ?? '')) ?? candidates[0]!;
    const facets = (['layout', 'proto', 'print', 'condition'] as const).filter((f) => {
      if (f === 'print' && !printComparable) return false;
      const a = r.fingerprint[f];
      const b = c.fingerprint[f];
      return a !== undefined && b !== undefined ? a !== b : f === 'condition' && a !== b && recorded.kernel.kind === current.kernel.kind;
    });
    if (facets.length > 0) out.push({ event: r.event, facets });
  }
  return out;
}
