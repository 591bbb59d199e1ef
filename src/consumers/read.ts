/**
 * Reads consumer programs from the paths a user gives: files are read by the reader that claims them (by
 * name and first bytes, src/consumers/registry.ts), folders are walked. A file given by name that cannot be
 * read is an InputError (exit 2); inside a folder it is a listed problem and the walk carries on, and files
 * no reader claims (man pages, docs) are not consumers. The inventory's order is deterministic.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { ConsumerInventory, ConsumerProblem, Use } from './model.js';
import { consumerReaderFor } from './registry.js';

const HEAD_BYTES = 4096;

function errorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return 'no such file or directory';
  if (err.code === 'EACCES') return 'permission denied';
  if (err.code === 'EISDIR') return 'is a directory';
  return err.message ?? String(e);
}

/** Every regular file below `dir`, sorted, symlinked folders not followed (no loops). */
function walk(dir: string, out: string[], problems: ConsumerProblem[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    problems.push({ file: dir, message: `cannot read folder: ${errorText(e)}` });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out, problems);
    else if (e.isFile()) out.push(p);
    else if (e.isSymbolicLink()) {
      try {
        if (fs.statSync(p).isFile()) out.push(p);
      } catch {
        // A dangling link in a package tree is no consumer program.
      }
    }
  }
}

function compareUses(a: Use, b: Use): number {
  const ka = [a.tool, a.file, String(a.line ?? 0).padStart(9, '0'), a.event, a.field ?? '', String(a.arg ?? -1).padStart(4, '0')];
  const kb = [b.tool, b.file, String(b.line ?? 0).padStart(9, '0'), b.event, b.field ?? '', String(b.arg ?? -1).padStart(4, '0')];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
  return 0;
}

/** Reads one file; `direct` (named on the command line) makes every failure an InputError. */
function readOne(file: string, direct: boolean, inv: ConsumerInventory): void {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (e) {
    throw new InputError(file, `cannot read: ${errorText(e)}`);
  }
  const reader = consumerReaderFor(file, data.subarray(0, HEAD_BYTES));
  if (!reader) {
    if (direct) throw new InputError(file, 'not a consumer program tpdrift reads (bpftrace script, bcc Python tool, libbpf-tools binary, .bpf.c source or consumer manifest)');
    return;
  }
  const r = reader.read({ path: file, data });
  inv.tools.push(...r.tools);
  inv.uses.push(...r.uses);
  inv.problems.push(...r.problems);
}

export function readConsumers(paths: readonly string[]): ConsumerInventory {
  const inv: ConsumerInventory = { tools: [], uses: [], problems: [] };
  for (const given of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(given);
    } catch (e) {
      throw new InputError(given, `cannot read: ${errorText(e)}`);
    }
    if (!st.isDirectory()) {
      readOne(given, true, inv);
      continue;
    }
    const files: string[] = [];
    walk(given, files, inv.problems);
    for (const f of files) {
      try {
        readOne(f, false, inv);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        inv.problems.push(e.line !== undefined ? { file: e.file, line: e.line, message: e.message } : { file: e.file, message: e.message });
      }
    }
  }
  inv.tools.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  inv.uses.sort(compareUses);
  inv.problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)));
  return inv;
}
