/**
 * Reading a snapshot file laid out by model/snapshot-text.ts without decoding its events: the top level is
 * parsed and checked whole, each event's key, kind and fingerprint are read from its first three and last
 * lines, and an event is decoded (and checked, as the whole-file reader checks it) only when something asks
 * for it. Used only when the file's `eventsDigest` matches its events: then the fingerprints are what the
 * writer computed from those very events. Anything else is left to the whole-file reader.
 */
import { EVENT_KINDS, type EventDef, type EventKind, type Snapshot } from '../model/snapshot.js';
import { type EventIndex, type IndexedEvent, attachIndex, detachIndex } from '../model/event-index.js';
import { isFingerprint } from '../model/fingerprint.js';
import { EVENTS_DIGEST_KEY, eventsArrayRange, sha256Hex } from '../model/snapshot-text.js';
import { dropDerived, failIn, validateEvent, validateTopLevel } from './snapshot-validate.js';
import { InputError } from '../errors.js';

const EVENT_OPEN = '\n    {\n';
const EVENT_CLOSE = '\n    }';
const SYSTEM_LINE = '      "system": ';
const NAME_LINE = '      "name": ';
const KIND_LINE = '      "kind": ';
const FINGERPRINT_LINE = '      "fingerprint": ';
const DIGEST_PATTERN = new RegExp(`\\n  "${EVENTS_DIGEST_KEY}": "([0-9a-f]{64})",$`);

/** The value of a `prefix<json>,` line that starts at `at`, and where the next line starts; undefined if not so. */
function memberValue(text: string, at: number, prefix: string): { value: unknown; next: number } | undefined {
  if (!text.startsWith(prefix, at)) return undefined;
  const end = text.indexOf('\n', at);
  if (end < 0 || text.charCodeAt(end - 1) !== 0x2c) return undefined;
  const from = at + prefix.length;
  const to = end - 1;
  // A plain string (no escapes: every system, name and kind in practice) is cut out without JSON.parse.
  if (text.charCodeAt(from) === 0x22 && text.charCodeAt(to - 1) === 0x22 && to - from >= 2) {
    const inner = text.slice(from + 1, to - 1);
    if (!inner.includes('\\') && !inner.includes('"')) return { value: inner, next: end + 1 };
  }
  try {
    return { value: JSON.parse(text.slice(from, to)), next: end + 1 };
  } catch {
    return undefined;
  }
}

class TextEventIndex implements EventIndex {
  readonly entries: IndexedEvent[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly decoded: (EventDef | undefined)[] = [];
  private decodedEvents = 0;
  private readonly fail: ReturnType<typeof failIn>;

  constructor(
    private readonly file: string,
    private readonly text: string,
  ) {
    this.fail = failIn(file);
  }

  add(entry: IndexedEvent, start: number, end: number): void {
    this.entries.push(entry);
    this.starts.push(start);
    this.ends.push(end);
    this.decoded.push(undefined);
  }

  event(ordinal: number): EventDef {
    const known = this.decoded[ordinal];
    if (known) return known;
    let raw: unknown;
    try {
      raw = JSON.parse(this.text.slice(this.starts[ordinal], this.ends[ordinal]));
    } catch (e) {
      throw new InputError(this.file, `events[${ordinal}] is not valid JSON (${(e as Error).message})`);
    }
    const ev = dropDerived(validateEvent(raw, ordinal, this.fail));
    this.decoded[ordinal] = ev;
    this.decodedEvents++;
    return ev;
  }

  decodedCount(): number {
    return this.decodedEvents;
  }
}

/** The events of `range`, or undefined when the text is not laid out as the writer lays it out. */
function indexEvents(file: string, text: string, range: { start: number; end: number }): TextEventIndex | undefined {
  const index = new TextEventIndex(file, text);
  if (range.end - range.start === 2) return index;
  let at = range.start + 1;
  for (let ordinal = 0; ; ordinal++) {
    if (!text.startsWith(EVENT_OPEN, at)) return undefined;
    const start = at + 5;
    const close = text.indexOf(EVENT_CLOSE, start);
    if (close < 0 || close >= range.end) return undefined;
    const system = memberValue(text, start + 2, SYSTEM_LINE);
    const name = system && memberValue(text, system.next, NAME_LINE);
    const kind = name && memberValue(text, name.next, KIND_LINE);
    const lastLine = text.lastIndexOf('\n', close - 1) + 1;
    if (!kind || !text.startsWith(FINGERPRINT_LINE, lastLine)) return undefined;
    if (typeof system.value !== 'string' || typeof name.value !== 'string' || !(EVENT_KINDS as readonly unknown[]).includes(kind.value)) return undefined;
    let fingerprint: unknown;
    try {
      fingerprint = JSON.parse(text.slice(lastLine + FINGERPRINT_LINE.length, close));
    } catch {
      return undefined;
    }
    if (!isFingerprint(fingerprint)) return undefined;
    const end = close + EVENT_CLOSE.length;
    index.add({ ordinal, system: system.value, name: name.value, kind: kind.value as EventKind, key: `${system.value}:${name.value}`, fingerprint }, start, end);
    if (text.charCodeAt(end) === 0x2c) {
      at = end + 1;
      continue;
    }
    return end + 4 === range.end ? index : undefined; // then "\n  ]"
  }
}

/**
 * The snapshot in `text` with its events indexed and decoded on demand, or undefined when the file has no
 * matching `eventsDigest` or is not laid out as the writer lays it out (then the caller reads it whole).
 */
export function readIndexedSnapshot(file: string, text: string, bytes: Buffer): Snapshot | undefined {
  const range = eventsArrayRange(text);
  if (!range) return undefined;
  const digestAt = text.lastIndexOf('\n', range.start - 14);
  const m = DIGEST_PATTERN.exec(text.slice(digestAt, range.start - 13));
  if (!m) return undefined;
  // All-ASCII text (as good as every snapshot) has its characters at its bytes' offsets: hash the bytes read
  // rather than encode the string again.
  const written = bytes.length === text.length ? bytes.subarray(range.start, range.end) : text.slice(range.start, range.end);
  if (sha256Hex(written) !== m[1]) return undefined;
  const index = indexEvents(file, text, range);
  if (!index) return undefined;
  let top: unknown;
  try {
    top = JSON.parse(text.slice(0, range.start) + '[]' + text.slice(range.end));
  } catch {
    return undefined;
  }
  validateTopLevel(top, failIn(file));
  const snap = top as Snapshot;
  delete (snap as { eventsDigest?: unknown }).eventsDigest;
  // Once the events are handed out whole they may be changed, and the index no longer speaks for them.
  let events: EventDef[] | undefined;
  Object.defineProperty(snap, 'events', {
    enumerable: true,
    configurable: true,
    get: () => {
      detachIndex(snap);
      return (events ??= index.entries.map((e) => index.event(e.ordinal)));
    },
    set: (v: EventDef[]) => {
      detachIndex(snap);
      events = v;
    },
  });
  attachIndex(snap, index);
  return snap;
}
