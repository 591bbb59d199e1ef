/**
 * Parsed trace headers kept between runs, keyed by content: a nightly job reads the same headers in every
 * kernel it compares, and the tree-sitter parse is the largest single cost of a whole-tree run after the
 * file pass. A model is a pure function of (path, text, this code), so the key is the SHA-256 of those;
 * anything unreadable or odd in the cache is ignored and recomputed, and nothing here can change a result.
 *
 * Location: `$TPDRIFT_PARSE_CACHE` when it names a directory, else `$XDG_CACHE_HOME/tpdrift/parse`
 * (`~/.cache/tpdrift/parse`). `TPDRIFT_PARSE_CACHE=0` turns it off.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type FileModel, buildFileModel } from './filemodel.js';
import { codeIdentity as sharedIdentity, storeCacheFile } from './cache-files.js';
import { PARSER_IDENTITY } from './c-parser.js';

export function defaultParseCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env.TPDRIFT_PARSE_CACHE;
  if (v === '0' || v === 'off' || v === 'false') return undefined;
  if (v && v !== '1' && v !== 'on') return v;
  let home: string;
  try {
    home = os.homedir();
  } catch {
    return undefined;
  }
  return path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'tpdrift', 'parse');
}

/** What the models depend on besides their input: this tool's version, the model code, the parser runtime and grammar. */
let parseId: string | undefined;
function codeIdentity(): string {
  if (parseId === undefined) {
    parseId = sharedIdentity('parse', import.meta.url, ['./filemodel'], PARSER_IDENTITY);
  }
  return parseId;
}

function looksLikeModel(m: unknown, file: string): m is FileModel {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  return o.file === file && typeof o.text === 'string' && Array.isArray(o.lineStarts) && Array.isArray(o.directives) && Array.isArray(o.branches) && Array.isArray(o.problems);
}

/** buildFileModel(file, text), from the cache in `dir` when an earlier run stored it there. */
export function cachedFileModel(file: string, text: string, dir: string | undefined): FileModel {
  if (dir === undefined) return buildFileModel(file, text);
  let key: string;
  try {
    key = crypto.createHash('sha256').update(codeIdentity()).update('\0').update(file).update('\0').update(text).digest('hex');
  } catch {
    return buildFileModel(file, text);
  }
  const at = path.join(dir, key.slice(0, 2), `${key}.json`);
  try {
    const hit: unknown = JSON.parse(fs.readFileSync(at, 'utf8'));
    if (looksLikeModel(hit, file)) return hit;
  } catch {
    // missing or unreadable: parse
  }
  const model = buildFileModel(file, text);
  storeCacheFile(at, JSON.stringify(model));
  return model;
}
