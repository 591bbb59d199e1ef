/**
 * The snapshot file's text, laid out so that a diff can read one event without the rest:
 *
 * - canonical JSON (util/json.ts): one member per line, scalar-only containers on one line, two-space indent;
 * - each event an object of its own at four spaces, opening on a line `    {` and closing on a line `    }`,
 *   its `system`, `name` and `kind` on its first three lines and its `fingerprint` (model/fingerprint.ts)
 *   on its last;
 * - `eventsDigest` just before `events`: the SHA-256 (hex) of the events array's bytes as written, from its
 *   `[` to its `]`. A reader that finds it matching knows the events are as tpdrift wrote them, fingerprints
 *   included, and may trust the fingerprints without decoding the events; an edited file no longer matches
 *   and is read whole, as any JSON.
 *
 * Both additions are derived: they are computed here from the events each time a snapshot is written, and
 * dropped by the reader from what it returns.
 */
import crypto from 'node:crypto';
import type { EventDef, Snapshot } from './snapshot.js';
import { fingerprintOf } from './fingerprint.js';
import { stableStringify } from '../util/json.js';

export const EVENTS_DIGEST_KEY = 'eventsDigest';
/** What precedes the events array in a snapshot file's text. */
export const EVENTS_OPENING = '\n  "events": ';
/** The events array's closing line (when it holds events). */
export const EVENTS_CLOSING = '\n  ]';

const PLACEHOLDER = '0'.repeat(64);

export function sha256Hex(data: string | Uint8Array): string {
  return typeof crypto.hash === 'function' ? crypto.hash('sha256', data) : crypto.createHash('sha256').update(data).digest('hex');
}

function withFingerprint(e: EventDef): EventDef & { fingerprint: unknown } {
  const out = { ...e } as EventDef & { fingerprint: unknown };
  out.fingerprint = fingerprintOf(e);
  return out;
}

/** Where the events array's text starts (its `[`) and ends (after its `]`). */
export function eventsArrayRange(text: string): { start: number; end: number } | undefined {
  const opening = text.indexOf(EVENTS_OPENING);
  if (opening < 0) return undefined;
  const start = opening + EVENTS_OPENING.length;
  if (text.startsWith('[]', start)) return { start, end: start + 2 };
  if (!text.startsWith('[\n', start)) return undefined;
  const close = text.indexOf(EVENTS_CLOSING, start);
  if (close < 0) return undefined;
  return { start, end: close + EVENTS_CLOSING.length };
}

/** The snapshot file's text: canonical key order, one field per line, fingerprints, one trailing newline. */
export function serializeSnapshot(s: Snapshot): string {
  const doc: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === EVENTS_DIGEST_KEY) continue;
    if (k === 'events') {
      doc[EVENTS_DIGEST_KEY] = PLACEHOLDER;
      doc.events = (v as EventDef[]).map(withFingerprint);
    } else doc[k] = v;
  }
  const text = stableStringify(doc) + '\n';
  const range = eventsArrayRange(text);
  if (!range) throw new Error('snapshot text without an events array');
  const marker = `"${EVENTS_DIGEST_KEY}": "${PLACEHOLDER}"`;
  const at = text.lastIndexOf(marker, range.start);
  const digest = sha256Hex(text.slice(range.start, range.end));
  return text.slice(0, at) + `"${EVENTS_DIGEST_KEY}": "${digest}"` + text.slice(at + marker.length);
}
