/**
 * The C parser the file models (./filemodel.ts) use: tree-sitter's WebAssembly runtime (web-tree-sitter) with
 * tree-sitter-c's grammar compiled to WebAssembly. Nothing native: an installer gets one tree-sitter runtime,
 * no install script and no platform binary; the syntax trees are the ones native tree-sitter 0.25.1 builds
 * (same runtime line; docs/dependencies.md compares them on every header a 6.12 tree read parses).
 *
 * The grammar is tree-sitter-c's own `tree-sitter-c.wasm`: the build copies it into dist/grammar/ (next to
 * its licence), so the published package does not depend on tree-sitter-c, whose native prebuilds and whose
 * optional peer (a native tree-sitter 0.22, which crashes with this grammar) installers would get too. A
 * checkout that has not been built reads it from the tree-sitter-c development dependency.
 *
 * Loading compiles both WebAssembly modules (~25 ms, once per thread), so this module is only imported by the
 * tree reader, which is itself loaded on demand.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Language, type Node, Parser, type Tree } from 'web-tree-sitter';

export type SyntaxNode = Node;
export type SyntaxTree = Tree;

/** Where the built package keeps the grammar (dist/src/sources/tree/ -> dist/grammar/). */
const PACKAGED_GRAMMAR = new URL('../../../grammar/tree-sitter-c.wasm', import.meta.url);

function readGrammar(): Uint8Array {
  try {
    return fs.readFileSync(fileURLToPath(PACKAGED_GRAMMAR));
  } catch {
    // Not built (tests run from src/): the development dependency the build copies it from.
    return fs.readFileSync(createRequire(import.meta.url).resolve('tree-sitter-c/tree-sitter-c.wasm'));
  }
}

const grammar = readGrammar();
await Parser.init();
const parser = new Parser();
parser.setLanguage(await Language.load(grammar));

/**
 * What a parse depends on besides its input, for the parse cache's key: the runtime's version and the
 * grammar's bytes.
 */
export const PARSER_IDENTITY: readonly string[] = [`web-tree-sitter ${runtimeVersion()}`, `tree-sitter-c.wasm sha256:${crypto.createHash('sha256').update(grammar).digest('hex')}`];

function runtimeVersion(): string {
  // The package exports no ./package.json; it sits beside the entry point.
  const entry = createRequire(import.meta.url).resolve('web-tree-sitter');
  const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(entry), 'package.json'), 'utf8')) as { version?: unknown };
  return String(pkg.version);
}

/**
 * The syntax tree of `text` (offsets in UTF-16 code units, as JavaScript strings index). The caller deletes
 * it when done: it lives in the WebAssembly heap, which no garbage collector frees.
 */
export function parseC(text: string): SyntaxTree {
  const tree = parser.parse(text);
  // Only a cancelled or timed-out parse yields none, and this parser sets neither.
  if (!tree) throw new Error('tree-sitter returned no syntax tree');
  return tree;
}
