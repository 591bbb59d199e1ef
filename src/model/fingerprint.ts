/**
 * ABI fingerprints: a short, stable digest of each facet of an event that a consumer can depend on. Two
 * events with equal digests for a facet are equal in that facet; a tool records the fingerprints of the
 * events it was written against and checks a kernel by comparing them (`tpdrift fingerprint`).
 *
 * Every digest is the first 16 hex digits (64 bits) of the SHA-256 of a JSON array written from the
 * snapshot's own normal forms (types normalised as in canonical.ts), so anyone can recompute them:
 *
 * - `layout`: each field's `[name, type, array, dynamic, size, offset, signed]` (absent values `null`), in
 *   record order, then the event's own common fields the same way (`null` when it has none).
 * - `proto`: each TP_PROTO argument's `[type, name]`. Only when the source tells the prototype.
 * - `print`: `[fmt, args]` of TP_printk; the arguments hold the symbol tables (`__print_symbolic(...)`),
 *   so a changed table changes it. Only when the event has a print format.
 * - `condition`: the preprocessor condition, as text. Only when there is one.
 * - `definition`: everything the diff compares: every member of the event except where it was written
 *   (`location`, each field's `line`) and the tracefs `id` (never a difference), keys sorted. Equal
 *   definitions give no drift finding, which is what lets a snapshot diff skip them unread.
 *
 * Fingerprints are derived data: the snapshot writer computes them from the events each time it writes, and
 * the reader drops them from the events it decodes, so they can never disagree with what they digest.
 */
import crypto from 'node:crypto';
import type { EventDef, Field } from './snapshot.js';

export interface Fingerprint {
  layout: string;
  proto?: string;
  print?: string;
  condition?: string;
  definition: string;
}

/** The facets `tpdrift fingerprint` prints, in this order. */
export const FINGERPRINT_FACETS = ['layout', 'proto', 'print', 'condition', 'definition'] as const;
export type FingerprintFacet = (typeof FINGERPRINT_FACETS)[number];

/** Hex digits kept of each SHA-256. */
export const FINGERPRINT_DIGITS = 16;

export function digestOf(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, FINGERPRINT_DIGITS);
}

function fieldLayout(f: Field): unknown[] {
  return [f.name, f.type, f.array ?? null, f.dynamic ?? null, f.size ?? null, f.offset ?? null, f.signed ?? null];
}

/** Keys of an event left out of its definition digest: where it was written, and the tracefs ID. */
const PLACE_KEYS = new Set(['location', 'id', 'fingerprint']);

/** The event as the diff compares it: keys sorted, place keys and field lines dropped. */
function definitionOf(e: EventDef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const src = e as unknown as Record<string, unknown>;
  for (const k of Object.keys(src).sort()) {
    if (PLACE_KEYS.has(k) || src[k] === undefined) continue;
    out[k] = k === 'fields' || k === 'common' ? (src[k] as Field[]).map(fieldWithoutLine) : src[k];
  }
  return out;
}

function fieldWithoutLine(f: Field): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const src = f as unknown as Record<string, unknown>;
  for (const k of Object.keys(src).sort()) if (k !== 'line' && src[k] !== undefined) out[k] = src[k];
  return out;
}

export function fingerprintOf(e: EventDef): Fingerprint {
  const fp: Fingerprint = {
    layout: digestOf(JSON.stringify([e.fields.map(fieldLayout), e.common ? e.common.map(fieldLayout) : null])),
  } as Fingerprint;
  if (e.proto !== undefined) fp.proto = digestOf(JSON.stringify(e.proto.map((a) => [a.type, a.name])));
  if (e.print !== undefined) fp.print = digestOf(JSON.stringify([e.print.fmt, e.print.args]));
  if (e.condition !== undefined) fp.condition = digestOf(JSON.stringify(e.condition));
  fp.definition = digestOf(JSON.stringify(definitionOf(e)));
  return fp;
}

const HEX = new RegExp(`^[0-9a-f]{${FINGERPRINT_DIGITS}}$`);

/** A fingerprint as read from a file: the two digests every event has, and the optional ones well formed. */
export function isFingerprint(v: unknown): v is Fingerprint {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  if (typeof o.layout !== 'string' || !HEX.test(o.layout) || typeof o.definition !== 'string' || !HEX.test(o.definition)) return false;
  for (const k of ['proto', 'print', 'condition']) if (o[k] !== undefined && (typeof o[k] !== 'string' || !HEX.test(o[k] as string))) return false;
  return true;
}
