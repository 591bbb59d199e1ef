/** Checking a decoded snapshot against the schema the engine and the reporters read. */
import { EVENT_KINDS, ORIGIN_KINDS, SNAPSHOT_SCHEMA, type EventDef, type Snapshot } from '../model/snapshot.js';
import { EVENTS_DIGEST_KEY } from '../model/snapshot-text.js';
import { InputError } from '../errors.js';

/** Field keys that hold non-negative integers when present. */
const NAT_FIELD_KEYS = ['size', 'offset', 'line'] as const;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNat = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isString = (v: unknown): boolean => typeof v === 'string';
const strings = (v: unknown): boolean => {
  if (!Array.isArray(v)) return false;
  for (const x of v) if (typeof x !== 'string') return false;
  return true;
};

/**
 * Checks every part of the schema the engine and the reporters read, naming the first thing that is wrong:
 * a snapshot that passes never makes a later stage throw (a hand-edited or corrupted file fails here, with exit 2).
 * A whole-tree snapshot has ~100,000 fields: the checks allocate nothing on the way, and build the place of
 * an error (`events[12].fields[3]`) only when there is one.
 */
export function validateSnapshot(data: unknown, file: string): Snapshot {
  const fail = failIn(file);
  validateTopLevel(data, fail);
  const events = (data as Record<string, unknown>).events as unknown[];
  for (let i = 0; i < events.length; i++) validateEvent(events[i], i, fail);
  return data as Snapshot;
}

type Fail = (msg: string) => never;

export function failIn(file: string): Fail {
  return (msg: string): never => {
    throw new InputError(file, msg);
  };
}

const optional = (fail: Fail, o: Record<string, unknown>, k: string, ok: (v: unknown) => boolean, where: () => string, what: string): void => {
  if (o[k] !== undefined && !ok(o[k])) fail(`${where()}.${k} is not ${what}`);
};

function checkFields(fail: Fail, list: unknown, where: () => string): void {
  if (!Array.isArray(list)) fail(`${where()} is not an array`);
  const fields = list as unknown[];
  for (let j = 0; j < fields.length; j++) {
    const f = fields[j];
    if (!isObj(f) || typeof f.name !== 'string' || typeof f.type !== 'string') fail(`${where()}[${j}] lacks name or type`);
    const fd = f as Record<string, unknown>;
    for (const k of NAT_FIELD_KEYS) if (fd[k] !== undefined && !isNat(fd[k])) fail(`${where()}[${j}].${k} is not a non-negative integer`);
    if (fd.array !== undefined && !(isNat(fd.array) || typeof fd.array === 'string')) fail(`${where()}[${j}].array is not a length or a string`);
    if (fd.dynamic !== undefined && fd.dynamic !== 'data_loc' && fd.dynamic !== 'rel_loc') fail(`${where()}[${j}].dynamic is not 'data_loc' or 'rel_loc'`);
    if (fd.signed !== undefined && typeof fd.signed !== 'boolean') fail(`${where()}[${j}].signed is not true or false`);
    if (fd.macro !== undefined && typeof fd.macro !== 'string') fail(`${where()}[${j}].macro is not a string`);
  }
}

/** Everything but the events' contents: schema, kernel, header, problems, and that `events` is an array. */
export function validateTopLevel(data: unknown, fail: Fail): void {
  if (!isObj(data)) fail('not a tpdrift snapshot (not a JSON object)');
  const d = data as Record<string, unknown>;
  if (typeof d.schema !== 'string' || !d.schema.startsWith('tpdrift/snapshot@')) fail("not a tpdrift snapshot (no 'schema')");
  if (d.schema !== SNAPSHOT_SCHEMA) fail(`snapshot schema '${String(d.schema)}' is not supported by this version (reads ${SNAPSHOT_SCHEMA}); upgrade tpdrift`);
  if (!Array.isArray(d.events)) fail("snapshot has no 'events' array");
  const header = d.header as Record<string, unknown> | undefined;
  if (!isObj(header) || !Array.isArray(header.common)) fail("snapshot has no 'header.common' array");
  checkFields(fail, header!.common, () => 'header.common');
  if (header!.page !== undefined) checkFields(fail, header!.page, () => 'header.page');
  optional(fail, header!, 'event', strings, () => 'header', 'a list of strings');
  if (!isObj(d.kernel) || typeof d.kernel.source !== 'string' || !(ORIGIN_KINDS as readonly unknown[]).includes(d.kernel.kind)) {
    fail("snapshot has no valid 'kernel' (source, kind)");
  }
  const kernel = d.kernel as Record<string, unknown>;
  for (const k of ['release', 'arch', 'kconfig']) optional(fail, kernel, k, isString, () => 'kernel', 'a string');
  optional(fail, kernel, 'also', (v) => Array.isArray(v) && v.every((k) => (ORIGIN_KINDS as readonly unknown[]).includes(k)), () => 'kernel', 'a list of origin kinds');
  optional(fail, d, 'problems', (v) => Array.isArray(v) && v.every((p) => isObj(p) && typeof p.file === 'string' && typeof p.message === 'string' && (p.line === undefined || isNat(p.line))), () => 'snapshot', 'a list of {file, line?, message}');
  optional(fail, d, EVENTS_DIGEST_KEY, isString, () => 'snapshot', 'a string');
}

/** One event, `i` its position in `events` (named in the error). No closure is made unless a check fails. */
export function validateEvent(ev: unknown, i: number, fail: Fail): EventDef {
  if (!isObj(ev)) fail(`events[${i}] is not an object`);
  const e = ev as Record<string, unknown>;
  if (typeof e.system !== 'string' || typeof e.name !== 'string') fail(`events[${i}] lacks system or name`);
  if (!(EVENT_KINDS as readonly unknown[]).includes(e.kind)) fail(`events[${i}] (${String(e.system)}:${String(e.name)}) has no valid kind`);
  if (!Array.isArray(e.fields)) fail(`events[${i}] (${String(e.system)}:${String(e.name)}) has no fields array`);
  checkFields(fail, e.fields, () => `events[${i}].fields`);
  if (e.common !== undefined) checkFields(fail, e.common, () => `events[${i}].common`);
  const bad = (k: string, what: string): never => fail(`events[${i}].${k} is not ${what}`);
  if (e.id !== undefined && !isNat(e.id)) bad('id', 'a non-negative integer');
  if (e.class !== undefined && typeof e.class !== 'string') bad('class', 'a string');
  if (e.fieldsUnknown !== undefined && e.fieldsUnknown !== true) bad('fieldsUnknown', 'true');
  if (e.assignDigest !== undefined && typeof e.assignDigest !== 'string') bad('assignDigest', 'a string');
  if (e.condition !== undefined && typeof e.condition !== 'string') bad('condition', 'a string');
  if (e.proto !== undefined && !isProto(e.proto)) bad('proto', 'a list of {type, name}');
  if (e.print !== undefined && !isPrint(e.print)) bad('print', 'a {fmt, args} print format');
  if (e.assign !== undefined && !isAssign(e.assign)) bad('assign', 'a map of field to constant');
  if (e.written !== undefined && !strings(e.written)) bad('written', 'a list of strings');
  if (e.location !== undefined && !isLocation(e.location)) bad('location', 'a {file, line} location');
  if (e.calls !== undefined && !isCalls(e.calls)) bad('calls', 'a {count, generated?} call count');
  return ev as unknown as EventDef;
}

/**
 * Drops what the writer derives (model/snapshot-text.ts) from a decoded snapshot: it is never part of the
 * model. `fingerprint` is each event's last key, and V8 deletes an object's last-added property without
 * leaving its fast layout.
 */
export function dropDerived(e: EventDef): EventDef {
  if ((e as { fingerprint?: unknown }).fingerprint !== undefined) delete (e as { fingerprint?: unknown }).fingerprint;
  return e;
}

const isProto = (v: unknown): boolean => {
  if (!Array.isArray(v)) return false;
  for (const a of v) if (!isObj(a) || typeof a.type !== 'string' || typeof a.name !== 'string') return false;
  return true;
};
const isPrint = (v: unknown): boolean => isObj(v) && typeof v.fmt === 'string' && strings(v.args);
const isAssign = (v: unknown): boolean => isObj(v) && Object.values(v).every(isString);
const isLocation = (v: unknown): boolean => isObj(v) && typeof v.file === 'string' && isNat(v.line);
const isCalls = (v: unknown): boolean => isObj(v) && isNat(v.count) && (v.generated === undefined || typeof v.generated === 'boolean');

