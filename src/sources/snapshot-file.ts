/** Snapshot files (`.json`, `.json.gz`): reading with validation, and writing. */
import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import zlib from 'node:zlib';
import type { Snapshot } from '../model/snapshot.js';
import { serializeSnapshot } from '../model/canonical.js';
import { InputError } from '../errors.js';
import { readIndexedSnapshot } from './snapshot-index.js';
import { dropDerived, validateSnapshot } from './snapshot-validate.js';

export { validateSnapshot } from './snapshot-validate.js';

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
      raw = zlib.gunzipSync(raw, { chunkSize: outputChunkSize(raw) });
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
  const indexed = readIndexedSnapshot(file, text, bom ? raw.subarray(3) : raw);
  if (indexed) return indexed;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, `not valid JSON (${(e as Error).message})`, jsonErrorLine(text, e as Error));
  }
  const snap = validateSnapshot(data, file);
  delete (snap as { eventsDigest?: unknown }).eventsDigest;
  for (const e of snap.events) dropDerived(e);
  return snap;
}

/**
 * gzip's trailer holds the uncompressed size (modulo 2^32, of the last member): inflating into one buffer of
 * that size skips zlib's list of 16 KB chunks and their concatenation, a third of the time on a 10 MB snapshot.
 * Capped, so that a hostile trailer cannot ask for gigabytes up front; a wrong size only costs more chunks.
 */
function outputChunkSize(gz: Buffer): number {
  const claimed = gz.length >= 4 ? gz.readUInt32LE(gz.length - 4) : 0;
  return Math.max(64 << 10, Math.min(claimed + 1, 256 << 20));
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

export function encodeSnapshot(s: Snapshot, file: string): Buffer {
  const text = Buffer.from(serializeSnapshot(s), 'utf8');
  // mtime 0 in the gzip header keeps .json.gz byte-identical across runs.
  return /\.gz$/i.test(file) ? zlib.gzipSync(text, { level: 9 }) : text;
}
