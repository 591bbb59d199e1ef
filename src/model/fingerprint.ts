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
 * - `definition`: everything the diff compares: the four digests above (`-` for an absent one), then
 *   `[kind, class, assign entries sorted, written, assignDigest, [calls.count, calls.generated], each
 *   field's [macro, other members], the same for common, other members of the event]`, joined by spaces.
 *   Not where the event was written (`location`, each field's `line`) nor the tracefs `id` (never a
 *   difference). Equal definitions give no drift finding, which is what lets a snapshot diff skip them unread.
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

const sha256 = (text: string): string =>
  // crypto.hash (Node 20.12+) hashes in one call, without a Hash object per digest.
  typeof crypto.hash === 'function' ? crypto.hash('sha256', text) : crypto.createHash('sha256').update(text).digest('hex');

export function digestOf(text: string): string {
  return sha256(text).slice(0, FINGERPRINT_DIGITS);
}

function fieldLayout(f: Field): unknown[] {
  return [f.name, f.type, f.array ?? null, f.dynamic ?? null, f.size ?? null, f.offset ?? null, f.signed ?? null];
}

/** Event keys the facets or the definition's own list cover; any other key goes into the definition as it is. */
const KNOWN_EVENT_KEYS = new Set(['system', 'name', 'kind', 'id', 'class', 'proto', 'fields', 'common', 'print', 'assign', 'written', 'assignDigest', 'condition', 'location', 'calls', 'fingerprint']);
const KNOWN_FIELD_KEYS = new Set(['name', 'type', 'array', 'dynamic', 'size', 'offset', 'signed', 'macro', 'line']);

/** Members of `o` outside `known`, keys sorted (none for everything tpdrift writes today). */
function otherMembers(o: object, known: Set<string>): [string, unknown][] | null {
  let out: [string, unknown][] | null = null;
  for (const [k, v] of Object.entries(o)) if (!known.has(k) && v !== undefined) (out ??= []).push([k, v]);
  return out && out.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}

export function fingerprintOf(e: EventDef): Fingerprint {
  const fp = { layout: digestOf(JSON.stringify([e.fields.map(fieldLayout), e.common ? e.common.map(fieldLayout) : null])) } as Fingerprint;
  if (e.proto !== undefined) fp.proto = digestOf(JSON.stringify(e.proto.map((a) => [a.type, a.name])));
  if (e.print !== undefined) fp.print = digestOf(JSON.stringify([e.print.fmt, e.print.args]));
  if (e.condition !== undefined) fp.condition = digestOf(JSON.stringify(e.condition));
  // The definition: the facets' digests, then every other member the diff compares (not where the event
  // was written, nor the tracefs ID). Digests of digests: each facet's text is serialised once.
  const fieldExtras = (fields: Field[]) => fields.map((f) => [f.macro ?? null, otherMembers(f, KNOWN_FIELD_KEYS)]);
  const rest = [
    e.kind,
    e.class ?? null,
    e.assign ? Object.entries(e.assign).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)) : null,
    e.written ?? null,
    e.assignDigest ?? null,
    e.calls ? [e.calls.count, e.calls.generated ?? false] : null,
    fieldExtras(e.fields),
    e.common ? fieldExtras(e.common) : null,
    otherMembers(e, KNOWN_EVENT_KEYS),
  ];
  fp.definition = digestOf(`${fp.layout} ${fp.proto ?? '-'} ${fp.print ?? '-'} ${fp.condition ?? '-'} ${JSON.stringify(rest)}`);
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
