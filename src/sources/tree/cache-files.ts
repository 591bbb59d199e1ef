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

/**
 * SHA-256 of this tool's version, `tag`, the source of `modules` (paths without extension, relative to
 * `base`, the caller's import.meta.url) and `extra` (dependency versions): an entry made by other code never matches.
 */
export function codeIdentity(tag: string, base: string, modules: readonly string[], extra: readonly string[] = []): string {
  let id = identities.get(tag);
  if (id === undefined) {
    const h = crypto.createHash('sha256').update(`tpdrift ${TOOL_VERSION} ${tag}\0`);
    const ext = base.endsWith('.ts') ? '.ts' : '.js';
    for (const rel of modules) {
      h.update(fs.readFileSync(fileURLToPath(new URL(`${rel}${ext}`, base))));
      h.update('\0');
    }
    for (const x of extra) h.update(`${x}\0`);
    identities.set(tag, (id = h.digest('hex')));
  }
  return id;
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
