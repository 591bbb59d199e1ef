/**
 * What the tree caches share (parse-cache.ts, unit-cache.ts, scan-cache.ts): the identity of the code an
 * entry depends on, and writing an entry so that a failed write only costs speed.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOOL_VERSION } from '../../version.js';
import { writeFileAtomic } from '../../util/atomic-write.js';

const identities = new Map<string, string>();

/** Relative module specifiers of a module's source: static imports and re-exports, side-effect and dynamic imports. */
const RELATIVE_IMPORT = /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/**
 * The files of `roots` (paths without extension, relative to `base`, a module's import.meta.url) and of every
 * module they import by relative path, transitively: sorted file URLs. Derived from the sources, so that a
 * module split out of one the caches depend on is part of their identity without anyone listing it.
 */
export function moduleClosure(base: string, roots: readonly string[]): string[] {
  const ext = base.endsWith('.ts') ? '.ts' : '.js';
  const seen = new Set<string>();
  const queue = roots.map((r) => new URL(`${r}${ext}`, base).href);
  while (queue.length > 0) {
    const url = queue.pop()!;
    if (seen.has(url)) continue;
    let source: string;
    try {
      source = fs.readFileSync(fileURLToPath(url), 'utf8');
    } catch {
      continue; // a specifier in text that is no import (a comment, a string)
    }
    seen.add(url);
    for (const m of source.matchAll(RELATIVE_IMPORT)) {
      const spec = (m[1] ?? m[2]!).replace(/\.js$/, ext);
      queue.push(new URL(spec, url).href);
    }
  }
  return [...seen].sort();
}

/**
 * SHA-256 of this tool's version, `tag`, the source of `roots` and of the modules they import (moduleClosure;
 * paths without extension, relative to `base`, the caller's import.meta.url) and `extra` (dependency
 * versions): an entry made by other code never matches.
 */
export function codeIdentity(tag: string, base: string, roots: readonly string[], extra: readonly string[] = []): string {
  let id = identities.get(tag);
  if (id === undefined) identities.set(tag, (id = codeDigest(tag, base, roots, extra)));
  return id;
}

/** codeIdentity computed afresh (it keeps the first answer per tag for the process's life). */
export function codeDigest(tag: string, base: string, roots: readonly string[], extra: readonly string[] = []): string {
  const h = crypto.createHash('sha256').update(`tpdrift ${TOOL_VERSION} ${tag}\0`);
  for (const url of moduleClosure(base, roots)) {
    h.update(fs.readFileSync(fileURLToPath(url)));
    h.update('\0');
  }
  for (const x of extra) h.update(`${x}\0`);
  return h.digest('hex');
}

/** Writes a cache entry whole or not at all; a read-only or full cache only costs speed. */
export function storeCacheFile(file: string, data: string | Buffer): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, data);
  } catch {
    // the next run computes it again
  }
}
