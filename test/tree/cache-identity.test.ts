/** The caches' code identity is derived from the sources (import closure), so a split-out module cannot go stale. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeDigest, moduleClosure } from '../../src/sources/tree/cache-files.js';
import { UNIT_CODE_ROOTS } from '../../src/sources/tree/unit-cache.js';

const TREE = new URL('../../src/sources/tree/unit-cache.ts', import.meta.url).href;
const names = (urls: string[]): string[] => urls.map((u) => path.relative(path.join(import.meta.dirname, '../../src'), new URL(u).pathname));

describe('cache code identity', () => {
  it('a unit depends on every module the extractor and the file models import', () => {
    const got = names(moduleClosure(TREE, UNIT_CODE_ROOTS));
    // What the hand-kept list had, and the forms table and argument readers split out of the extractor since.
    for (const m of ['sources/tree/extract.ts', 'sources/tree/macros.ts', 'sources/tree/filemodel.ts', 'sources/tree/c-parser.ts', 'sources/tree/layout.ts', 'util/ctext.ts', 'util/cexpr.ts', 'model/canonical.ts', 'sources/tree/parse-cache.ts', 'sources/tree/forms.ts', 'sources/tree/bodies.ts', 'sources/tree/definitions.ts']) {
      expect(got).toContain(m);
    }
    expect(got).not.toContain('sources/tree/tree.ts');
  });

  it('a file model depends on the parser module, the WebAssembly runtime it loads and the bytes of the grammar', async () => {
    const parseCache = new URL('../../src/sources/tree/parse-cache.ts', import.meta.url).href;
    expect(names(moduleClosure(parseCache, ['./filemodel']))).toContain('sources/tree/c-parser.ts');
    const { PARSER_IDENTITY } = await import('../../src/sources/tree/c-parser.js');
    const pkg = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const grammar = fs.readFileSync(path.join(import.meta.dirname, '../../node_modules/tree-sitter-c/tree-sitter-c.wasm'));
    expect(PARSER_IDENTITY).toEqual([`web-tree-sitter ${pkg.dependencies['web-tree-sitter']}`, `tree-sitter-c.wasm sha256:${crypto.createHash('sha256').update(grammar).digest('hex')}`]);
  });

  it('the file pass depends on the forms table and the SYSCALL_DEFINE reader', () => {
    expect(names(moduleClosure(new URL('../../src/sources/tree/scan-cache.ts', import.meta.url).href, ['./scan']))).toEqual(['sources/tree/forms.ts', 'sources/tree/scan.ts', 'sources/tree/syscall-defs.ts', 'util/lines.ts']);
  });

  it('follows multi-line, re-exported, side-effect and dynamic imports, and changes when any module of the closure does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-identity-'));
    try {
      const write = (f: string, text: string): void => fs.writeFileSync(path.join(dir, f), text);
      write('root.ts', "import {\n  a,\n  b,\n} from './a.js';\nexport { c } from './sub/c.js';\nimport './side.js';\n");
      fs.mkdirSync(path.join(dir, 'sub'));
      write('a.ts', "export const a = 1; export const b = 2; const later = () => import('./lazy.js');\n");
      write('sub/c.ts', "import type { X } from '../a.js';\nexport const c = 3; // not an import: see ./nowhere.ts\n");
      write('side.ts', '');
      write('lazy.ts', 'export {};\n');
      write('unrelated.ts', 'export {};\n');
      const base = pathToFileURL(path.join(dir, 'caller.ts')).href;
      expect(moduleClosure(base, ['./root']).map((u) => path.relative(dir, new URL(u).pathname))).toEqual(['a.ts', 'lazy.ts', 'root.ts', 'side.ts', 'sub/c.ts']);
      const before = codeDigest('test', base, ['./root']);
      write('lazy.ts', 'export const changed = true;\n');
      expect(codeDigest('test', base, ['./root'])).not.toBe(before);
      write('unrelated.ts', 'export const changed = true;\n');
      write('lazy.ts', 'export {};\n');
      expect(codeDigest('test', base, ['./root'])).toBe(before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
