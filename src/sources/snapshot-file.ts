/** Snapshot files (`.json`, `.json.gz`): reading with validation, and writing. */
import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { EVENT_KINDS, ORIGIN_KINDS, SNAPSHOT_SCHEMA, type Snapshot } from '../model/snapshot.js';
import { serializeSnapshot } from '../model/canonical.js';
import { InputError } from '../errors.js';

export function isSnapshotPath(p: string): boolean {
  return /\.json(\.gz)?$/i.test(p);
}

export function readSnapshot(file: string): Snapshot {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(file, code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory, not a snapshot file' : (e as Error).message);
  }
  if (/\.gz$/i.test(file) || (raw[0] === 0x1f && raw[1] === 0x8b)) {
    try {
      raw = zlib.gunzipSync(raw);
    } catch {
      throw new InputError(file, 'truncated or corrupt gzip data');
    }
  }
  // Invalid UTF-8 would become U+FFFD inside names and types, silently: a corrupt file, said so.
  // isUtf8 checks without decoding, and toString decodes faster than a fatal-mode TextDecoder. A leading
  // byte-order mark is skipped, as TextDecoder skips it.
  if (!isUtf8(raw)) throw new InputError(file, 'not valid UTF-8 text', raw.subarray(0, firstBadUtf8(raw)).toString('latin1').split('\n').length);
  const bom = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf;
  const text = raw.toString('utf8', bom ? 3 : 0);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, `not valid JSON (${(e as Error).message})`, jsonErrorLine(text, e as Error));
  }
  return validateSnapshot(data, file);
}

/** Offset of the first byte that does not decode (the error line names where the damage starts). */
function firstBadUtf8(raw: Buffer): number {
  const dec = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = raw.length;
  // Binary search for the longest prefix that decodes as (possibly incomplete, then complete-able) UTF-8.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      dec.decode(raw.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

function jsonErrorLine(text: string, e: Error): number | undefined {
  const m = /position (\d+)/.exec(e.message);
  if (!m) return undefined;
  return text.slice(0, Number(m[1])).split('\n').length;
}

/** Field keys that hold non-negative integers when present. */
const NAT_FIELD_KEYS = ['size', 'offset', 'line'] as const;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNat = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isString = (v: unknown): boolean => typeof v === 'string';
const strings = (v: unknown): boolean => Array.isArray(v) && v.every(isString);

/**
 * Checks every part of the schema the engine and the reporters read, naming the first thing that is wrong:
 * a snapshot that passes never makes a later stage throw (a hand-edited or corrupted file fails here, with exit 2).
 * A whole-tree snapshot has ~100,000 fields: the checks allocate nothing on the way, and build the place of
 * an error (`events[12].fields[3]`) only when there is one.
 */
export function validateSnapshot(data: unknown, file: string): Snapshot {
  const fail = (msg: string): never => {
    throw new InputError(file, msg);
  };
  const optional = (o: Record<string, unknown>, k: string, ok: (v: unknown) => boolean, where: () => string, what: string): void => {
    if (o[k] !== undefined && !ok(o[k])) fail(`${where()}.${k} is not ${what}`);
  };
  const checkFields = (list: unknown, where: () => string): void => {
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
  };
  if (!isObj(data)) fail('not a tpdrift snapshot (not a JSON object)');
  const d = data as Record<string, unknown>;
  if (typeof d.schema !== 'string' || !d.schema.startsWith('tpdrift/snapshot@')) fail("not a tpdrift snapshot (no 'schema')");
  if (d.schema !== SNAPSHOT_SCHEMA) fail(`snapshot schema '${String(d.schema)}' is not supported by this version (reads ${SNAPSHOT_SCHEMA}); upgrade tpdrift`);
  if (!Array.isArray(d.events)) fail("snapshot has no 'events' array");
  const header = d.header as Record<string, unknown> | undefined;
  if (!isObj(header) || !Array.isArray(header.common)) fail("snapshot has no 'header.common' array");
  checkFields(header!.common, () => 'header.common');
  if (header!.page !== undefined) checkFields(header!.page, () => 'header.page');
  optional(header!, 'event', strings, () => 'header', 'a list of strings');
  if (!isObj(d.kernel) || typeof d.kernel.source !== 'string' || !(ORIGIN_KINDS as readonly unknown[]).includes(d.kernel.kind)) {
    fail("snapshot has no valid 'kernel' (source, kind)");
  }
  const kernel = d.kernel as Record<string, unknown>;
  for (const k of ['release', 'arch']) optional(kernel, k, isString, () => 'kernel', 'a string');
  optional(kernel, 'also', (v) => Array.isArray(v) && v.every((k) => (ORIGIN_KINDS as readonly unknown[]).includes(k)), () => 'kernel', 'a list of origin kinds');
  optional(d, 'problems', (v) => Array.isArray(v) && v.every((p) => isObj(p) && typeof p.file === 'string' && typeof p.message === 'string' && (p.line === undefined || isNat(p.line))), () => 'snapshot', 'a list of {file, line?, message}');
  const events = d.events as unknown[];
  for (let i = 0; i < events.length; i++) {
    const ev = events[i];
    const where = () => `events[${i}]`;
    if (!isObj(ev)) fail(`${where()} is not an object`);
    const e = ev as Record<string, unknown>;
    if (typeof e.system !== 'string' || typeof e.name !== 'string') fail(`${where()} lacks system or name`);
    const key = () => `${String(e.system)}:${String(e.name)}`;
    if (!(EVENT_KINDS as readonly unknown[]).includes(e.kind)) fail(`${where()} (${key()}) has no valid kind`);
    if (!Array.isArray(e.fields)) fail(`${where()} (${key()}) has no fields array`);
    checkFields(e.fields, () => `${where()}.fields`);
    if (e.common !== undefined) checkFields(e.common, () => `${where()}.common`);
    optional(e, 'id', isNat, where, 'a non-negative integer');
    optional(e, 'class', isString, where, 'a string');
    optional(e, 'fieldsUnknown', (v) => v === true, where, 'true');
    optional(e, 'assignDigest', isString, where, 'a string');
    optional(e, 'condition', isString, where, 'a string');
    optional(e, 'proto', isProto, where, 'a list of {type, name}');
    optional(e, 'print', isPrint, where, 'a {fmt, args} print format');
    optional(e, 'assign', isAssign, where, 'a map of field to constant');
    optional(e, 'written', strings, where, 'a list of strings');
    optional(e, 'location', isLocation, where, 'a {file, line} location');
    optional(e, 'calls', isCalls, where, 'a {count, generated?} call count');
  }
  return data as Snapshot;
}

const isProto = (v: unknown): boolean => Array.isArray(v) && v.every((a) => isObj(a) && typeof a.type === 'string' && typeof a.name === 'string');
const isPrint = (v: unknown): boolean => isObj(v) && typeof v.fmt === 'string' && strings(v.args);
const isAssign = (v: unknown): boolean => isObj(v) && Object.values(v).every(isString);
const isLocation = (v: unknown): boolean => isObj(v) && typeof v.file === 'string' && isNat(v.line);
const isCalls = (v: unknown): boolean => isObj(v) && isNat(v.count) && (v.generated === undefined || typeof v.generated === 'boolean');

export function encodeSnapshot(s: Snapshot, file: string): Buffer {
  const text = Buffer.from(serializeSnapshot(s), 'utf8');
  // mtime 0 in the gzip header keeps .json.gz byte-identical across runs.
  return /\.gz$/i.test(file) ? zlib.gzipSync(text, { level: 9 }) : text;
}
