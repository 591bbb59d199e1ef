/** Snapshot files (`.json`, `.json.gz`): reading with validation, and writing. */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { SNAPSHOT_SCHEMA, type Snapshot } from '../model/snapshot.js';
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
    throw new InputError(file, code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message);
  }
  if (/\.gz$/i.test(file) || (raw[0] === 0x1f && raw[1] === 0x8b)) {
    try {
      raw = zlib.gunzipSync(raw);
    } catch {
      throw new InputError(file, 'truncated or corrupt gzip data');
    }
  }
  const text = raw.toString('utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, `not valid JSON (${(e as Error).message})`, jsonErrorLine(text, e as Error));
  }
  return validateSnapshot(data, file);
}

function jsonErrorLine(text: string, e: Error): number | undefined {
  const m = /position (\d+)/.exec(e.message);
  if (!m) return undefined;
  return text.slice(0, Number(m[1])).split('\n').length;
}

/** Checks the parts of the schema the engine relies on, naming the first thing that is wrong. */
export function validateSnapshot(data: unknown, file: string): Snapshot {
  const fail = (msg: string): never => {
    throw new InputError(file, msg);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail('not a tpdrift snapshot (not a JSON object)');
  const d = data as Record<string, unknown>;
  if (typeof d.schema !== 'string' || !d.schema.startsWith('tpdrift/snapshot@')) fail("not a tpdrift snapshot (no 'schema')");
  if (d.schema !== SNAPSHOT_SCHEMA) fail(`snapshot schema '${String(d.schema)}' is not supported by this version (reads ${SNAPSHOT_SCHEMA}); upgrade tpdrift`);
  if (!Array.isArray(d.events)) fail("snapshot has no 'events' array");
  const header = d.header as Record<string, unknown> | undefined;
  if (!header || !Array.isArray(header.common)) fail("snapshot has no 'header.common' array");
  (d.events as unknown[]).forEach((ev, i) => {
    const e = ev as Record<string, unknown>;
    const where = `events[${i}]`;
    if (typeof e !== 'object' || e === null) fail(`${where} is not an object`);
    if (typeof e.system !== 'string' || typeof e.name !== 'string') fail(`${where} lacks system or name`);
    if (!Array.isArray(e.fields)) fail(`${where} (${String(e.system)}:${String(e.name)}) has no fields array`);
    (e.fields as unknown[]).forEach((f, j) => {
      const fd = f as Record<string, unknown>;
      if (typeof fd !== 'object' || fd === null || typeof fd.name !== 'string' || typeof fd.type !== 'string') {
        fail(`${where}.fields[${j}] lacks name or type`);
      }
      for (const k of ['size', 'offset'] as const) {
        if (fd[k] !== undefined && (typeof fd[k] !== 'number' || !Number.isInteger(fd[k]) || (fd[k] as number) < 0)) {
          fail(`${where}.fields[${j}].${k} is not a non-negative integer`);
        }
      }
    });
  });
  return data as Snapshot;
}

export function encodeSnapshot(s: Snapshot, file: string): Buffer {
  const text = Buffer.from(serializeSnapshot(s), 'utf8');
  // mtime 0 in the gzip header keeps .json.gz byte-identical across runs.
  return /\.gz$/i.test(file) ? zlib.gzipSync(text, { level: 9 }) : text;
}
